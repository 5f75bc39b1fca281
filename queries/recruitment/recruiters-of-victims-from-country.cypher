// title: "Recruiters of victims from a country"
// description: "Who recruited victims of a given nationality, and how many each."
// category: recruitment
// returns: table
// params:
//   nationality: {type: string, example: VN}
//   limit: {type: integer, default: 50, min: 1, max: 1000}
MATCH (r)-[:RECRUITED]->(v:Person)
WHERE v.nationality = $nationality
RETURN r.id AS recruiter_id, r.name AS recruiter, count(DISTINCT v) AS victims
ORDER BY victims DESC, recruiter_id
LIMIT $limit
