// title: "Calls between two people"
// description: "Calls and messages between any phone one person uses and any phone the other uses, in either direction."
// category: communications
// returns: graph
// params:
//   person_a: {type: string, example: P-0001}
//   person_b: {type: string, example: P-0002}
//   limit: {type: integer, default: 500, min: 1, max: 5000}
MATCH (a:Person {id: $person_a})-[ua:USES]->(pa:Phone)-[c:CALLED]-(pb:Phone)<-[ub:USES]-(b:Person {id: $person_b})
RETURN a, ua, pa, c, pb, ub, b
LIMIT $limit
