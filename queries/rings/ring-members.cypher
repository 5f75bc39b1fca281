// title: "Members of a ring"
// description: "The people of one ring and the relationships among them."
// category: rings
// returns: graph
// params:
//   ring_id: {type: string, example: R-001}
//   limit: {type: integer, default: 2000, min: 1, max: 10000}
MATCH (a:Person)-[r]-(b:Person)
WHERE a.ring_id = $ring_id AND b.ring_id = $ring_id
RETURN a, r, b
LIMIT $limit
