// title: "People who share an address with a given person"
// description: "Everyone recorded at an address where the person lives or stays."
// category: people
// returns: graph
// params:
//   person_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (a:Person {id: $person_id})-[l1:LIVES_AT]->(ad:Address)<-[l2:LIVES_AT]-(b:Person)
WHERE a.id <> b.id
RETURN a, l1, ad, l2, b
LIMIT $limit
