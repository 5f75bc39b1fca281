// title: "Who recruited, transported and introduced a person"
// description: "Everyone recorded as recruiting, transporting or introducing the person, with dates."
// category: recruitment
// returns: table
// params:
//   person_id: {type: string, example: P-0001}
MATCH (x)-[r:RECRUITED|TRANSPORTED|INTRODUCED]->(p:Person {id: $person_id})
RETURN x.id AS actor_id, x.name AS actor, r.date AS date, r.id AS relationship_id
ORDER BY date, actor_id
