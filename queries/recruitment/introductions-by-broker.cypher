// title: "Introductions made by a broker"
// description: "People a broker introduced (to a spouse or an employer), and whom they were introduced to."
// category: recruitment
// returns: graph
// params:
//   broker_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 300, min: 1, max: 5000}
MATCH (b {id: $broker_id})-[i:INTRODUCED]->(p:Person)
OPTIONAL MATCH (p)-[m:MARRIED_TO]-(spouse:Person)
RETURN b, i, p, m, spouse
LIMIT $limit
