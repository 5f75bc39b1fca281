// title: "People who share a phone with a given person"
// description: "Everyone who uses a phone that the person uses; phones flagged as generic (a hotel switchboard, a hotline) are left out unless asked for."
// category: communications
// returns: graph
// params:
//   person_id: {type: string, example: P-0001, description: the person's id}
//   include_generic: {type: boolean, default: false, description: include phones flagged as generic}
//   limit: {type: integer, default: 100, min: 1, max: 1000}
MATCH (a:Person {id: $person_id})-[u1:USES]->(ph:Phone)<-[u2:USES]-(b:Person)
WHERE a.id <> b.id AND ($include_generic OR coalesce(ph.generic, false) = false)
RETURN a, u1, ph, u2, b
LIMIT $limit
