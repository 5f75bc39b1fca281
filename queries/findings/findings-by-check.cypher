// title: "Findings of one kind"
// description: "Every finding of a given fraud check, with the number of entities it rests on."
// category: findings
// returns: table
// params:
//   check: {type: string, example: shared_document_number}
//   limit: {type: integer, default: 200, min: 1, max: 5000}
MATCH (f:Finding)-[:EVIDENCE]->(x)
WHERE f.check = $check
RETURN f.id AS finding_id, f.reason AS reason, f.score AS score, f.cluster_id AS cluster_id, count(x) AS evidence
ORDER BY score DESC, finding_id
LIMIT $limit
