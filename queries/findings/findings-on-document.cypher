// title: "Findings on a document"
// description: "What the fraud checks found about one document, with their reasons."
// category: findings
// returns: table
// params:
//   document_id: {type: string, example: D-0001}
MATCH (f:Finding)-[:EVIDENCE]->(d:Document {id: $document_id})
RETURN f.id AS finding_id, f.check AS check, f.severity AS severity, f.score AS score, f.reason AS reason, f.cluster_id AS cluster_id
ORDER BY score DESC, finding_id
