// title: "People with a role"
// description: "People recorded in one of the HTCDS roles (victim, recruiter, broker, transporter, exploiter, ...)."
// category: people
// returns: table
// params:
//   role: {type: string, example: broker, choices: [victim, suspect, recruiter, broker, transporter, exploiter, buyer, document_forger, financier, witness]}
//   limit: {type: integer, default: 200, min: 1, max: 5000}
MATCH (p:Person)
WHERE $role IN p.roles
RETURN p.id AS person_id, p.name AS name, p.nationality AS nationality, p.roles AS roles
ORDER BY person_id
LIMIT $limit
