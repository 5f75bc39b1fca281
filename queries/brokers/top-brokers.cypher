// title: "Top brokers by score"
// description: "People ranked by the broker score that `graph-tool analyse brokers` wrote back, with betweenness and degree."
// category: brokers
// returns: table
// params:
//   limit: {type: integer, default: 20, min: 1, max: 1000}
MATCH (p:Person)
WHERE p.broker_score IS NOT NULL
RETURN p.id AS person_id, p.name AS name, p.broker_rank AS rank, p.broker_score AS score, p.betweenness AS betweenness, p.degree AS degree
ORDER BY score DESC, person_id
LIMIT $limit
