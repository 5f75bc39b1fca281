// title: "Phones used by many people"
// description: "Phones that many people use: a ring's shared handset, or a generic line (hotel switchboard, NGO hotline) that should not link people."
// category: communications
// returns: table
// params:
//   min_users: {type: integer, default: 3, min: 2}
//   limit: {type: integer, default: 50, min: 1, max: 1000}
MATCH (p:Person)-[:USES]->(ph:Phone)
WITH ph, count(DISTINCT p) AS users
WHERE users >= $min_users
RETURN ph.id AS phone_id, ph.number AS number, users, coalesce(ph.generic, false) AS generic
ORDER BY users DESC, phone_id
LIMIT $limit
