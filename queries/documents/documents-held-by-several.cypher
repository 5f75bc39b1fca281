// title: "Documents held by several people"
// description: "One document number recorded for several holders, with how many distinct names and birth dates they have: a sign of a shared or forged document."
// category: documents
// returns: table
// params:
//   min_holders: {type: integer, default: 2, min: 2}
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (p:Person)-[:HOLDS]->(d:Document)
WITH d, count(DISTINCT p) AS holders, count(DISTINCT p.name_key) AS names, count(DISTINCT p.birth_date) AS birth_dates
WHERE holders >= $min_holders
RETURN d.id AS document_id, d.doc_type AS doc_type, d.number AS number, holders, names, birth_dates
ORDER BY holders DESC, document_id
LIMIT $limit
