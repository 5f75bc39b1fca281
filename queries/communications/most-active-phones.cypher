// title: "Most active phones"
// description: "Phones ranked by the number of calls and messages they made or received, with how many people use each."
// category: communications
// returns: table
// params:
//   limit: {type: integer, default: 25, min: 1, max: 1000}
MATCH (ph:Phone)-[c:CALLED]-(:Phone)
WITH ph, count(c) AS calls
OPTIONAL MATCH (p:Person)-[:USES]->(ph)
RETURN ph.id AS phone_id, ph.number AS number, calls, count(DISTINCT p) AS users
ORDER BY calls DESC, phone_id
LIMIT $limit
