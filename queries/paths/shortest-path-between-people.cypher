// title: "Shortest connection between two people"
// description: "One shortest chain of relationships of any kind linking two people, up to a maximum length."
// category: paths
// returns: graph
// params:
//   person_a: {type: string, example: P-0001}
//   person_b: {type: string, example: P-0002}
MATCH (a:Person {id: $person_a}), (b:Person {id: $person_b})
MATCH p = shortestPath((a)-[*..8]-(b))
RETURN p
// embedded:
MATCH (a:Person {id: $person_a}), (b:Person {id: $person_b})
MATCH p = (a)-[* SHORTEST 1..8]-(b)
RETURN p
