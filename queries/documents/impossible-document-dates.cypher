// title: "Documents with impossible dates"
// description: "Documents that expire before they were issued, or were issued before their holder was born."
// category: documents
// returns: table
// params:
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (p:Person)-[:HOLDS]->(d:Document)
WHERE (d.expiry_date IS NOT NULL AND d.issue_date IS NOT NULL AND d.expiry_date < d.issue_date)
   OR (p.birth_date IS NOT NULL AND d.issue_date IS NOT NULL AND d.issue_date < p.birth_date)
RETURN d.id AS document_id, d.number AS number, d.issue_date AS issued, d.expiry_date AS expires, p.id AS holder_id, p.birth_date AS holder_born
ORDER BY document_id, holder_id
LIMIT $limit
