// title: "Sponsors with many applicants"
// description: "People or organisations that sponsored documents for many different holders."
// category: documents
// returns: table
// params:
//   min_applicants: {type: integer, default: 3, min: 1}
//   limit: {type: integer, default: 50, min: 1, max: 1000}
MATCH (sponsor)-[:SPONSORED]->(d:Document)<-[:HOLDS]-(p:Person)
WITH sponsor, count(DISTINCT p) AS applicants, count(DISTINCT d) AS documents
WHERE applicants >= $min_applicants
RETURN sponsor.id AS sponsor_id, sponsor.name AS sponsor_name, applicants, documents
ORDER BY applicants DESC, sponsor_id
LIMIT $limit
