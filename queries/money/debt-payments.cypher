// title: "Debt payments"
// description: "Payments recorded with purpose debt (debt bondage), by payer and beneficiary."
// category: money
// returns: table
// params:
//   limit: {type: integer, default: 200, min: 1, max: 5000}
MATCH (payer)-[:SENT]->(pay:Payment)-[:PAID_TO]->(payee)
WHERE pay.purpose = 'debt'
RETURN payer.id AS payer_id, payee.id AS payee_id, pay.currency AS currency, count(pay) AS payments, sum(pay.amount) AS total
ORDER BY total DESC, payer_id, payee_id
LIMIT $limit
