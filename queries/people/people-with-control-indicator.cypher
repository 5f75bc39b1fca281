// title: "People under a method of control"
// description: "People for whom a given HTCDS method of control was recorded (debt bondage, isolation, threats, withholding documents, ...)."
// category: people
// returns: table
// params:
//   indicator: {type: string, example: debt_bondage, choices: [debt_bondage, isolation, threats, violence, threats_against_family, withholding_documents, withholding_wages, confinement, psychological_abuse, sexual_violence, substance_dependency, cultural_practices, false_promises, excessive_working_hours]}
//   limit: {type: integer, default: 200, min: 1, max: 5000}
MATCH (p:Person)
WHERE $indicator IN p.indicators
RETURN p.id AS person_id, p.name AS name, p.nationality AS nationality, p.indicators AS indicators
ORDER BY person_id
LIMIT $limit
