// title: "People who hold the same document as a given person"
// description: "Other people recorded as holders of a document (same normalised number) that the person holds."
// category: documents
// returns: graph
// params:
//   person_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (a:Person {id: $person_id})-[h1:HOLDS]->(d:Document)<-[h2:HOLDS]-(b:Person)
WHERE a.id <> b.id
RETURN a, h1, d, h2, b
LIMIT $limit
