// title: "Everything directly linked to a person"
// description: "The person and every entity one relationship away (phones, documents, accounts, addresses, people, events)."
// category: people
// returns: graph
// params:
//   person_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 300, min: 1, max: 5000}
MATCH (p:Person {id: $person_id})-[r]-(x)
RETURN p, r, x
LIMIT $limit
