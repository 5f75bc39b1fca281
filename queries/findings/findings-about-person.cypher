// title: "Findings about a person"
// description: "Findings resting on the person or on a document they hold."
// category: findings
// returns: graph
// params:
//   person_id: {type: string, example: P-0001}
MATCH (p:Person {id: $person_id})-[h:HOLDS]->(d:Document)<-[e:EVIDENCE]-(f:Finding)
RETURN p, h, d, e, f
