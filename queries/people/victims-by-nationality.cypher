// title: "Victims by nationality"
// description: "How many people recorded as victims come from each country."
// category: people
// returns: table
MATCH (p:Person)
WHERE 'victim' IN p.roles
RETURN coalesce(p.nationality, 'unknown') AS nationality, count(p) AS victims
ORDER BY victims DESC, nationality
