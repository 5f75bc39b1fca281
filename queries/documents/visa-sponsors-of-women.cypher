// title: "Who sponsored the visas of these women"
// description: "Sponsors or inviters (people or organisations) of visas and permits held by women of a given nationality."
// category: documents
// returns: graph
// params:
//   nationality: {type: string, example: VN, description: ISO 3166-1 alpha-2 code}
//   limit: {type: integer, default: 300, min: 1, max: 5000}
MATCH (w:Person)-[h:HOLDS]->(d:Document)<-[s:SPONSORED]-(sponsor)
WHERE w.sex = 'female' AND w.nationality = $nationality
RETURN w, h, d, s, sponsor
LIMIT $limit
