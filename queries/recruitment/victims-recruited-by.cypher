// title: "Victims recruited by someone"
// description: "People a given person or organisation recruited, with the date and the promise made."
// category: recruitment
// returns: graph
// params:
//   recruiter_id: {type: string, example: P-0001}
//   limit: {type: integer, default: 300, min: 1, max: 5000}
MATCH (r {id: $recruiter_id})-[rec:RECRUITED]->(v:Person)
RETURN r, rec, v
LIMIT $limit
