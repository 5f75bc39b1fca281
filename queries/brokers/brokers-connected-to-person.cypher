// title: "Brokers connected to a person"
// description: "People recorded as brokers who introduced, recruited or transported the person, or share a phone with them."
// category: brokers
// returns: graph
// params:
//   person_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (p:Person {id: $person_id})-[r1]-(x)-[r2]-(b:Person)
WHERE 'broker' IN b.roles AND b.id <> p.id
RETURN p, r1, x, r2, b
LIMIT $limit
