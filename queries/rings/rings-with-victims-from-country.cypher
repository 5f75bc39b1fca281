// title: "Rings with victims from a country"
// description: "Rings (written back by `graph-tool analyse rings`) that include victims of a given nationality, with their size and score."
// category: rings
// returns: table
// params:
//   nationality: {type: string, example: VN}
//   limit: {type: integer, default: 50, min: 1, max: 1000}
MATCH (v:Person)
WHERE 'victim' IN v.roles AND v.nationality = $nationality AND v.ring_id IS NOT NULL
WITH v.ring_id AS ring_id, count(v) AS victims, max(v.ring_score) AS score
RETURN ring_id, victims, score
ORDER BY score DESC, ring_id
LIMIT $limit
