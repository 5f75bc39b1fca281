// title: "Largest payments"
// description: "The largest single payments in a currency, with payer, beneficiary, date and purpose."
// category: money
// returns: table
// params:
//   currency: {type: string, example: CNY}
//   limit: {type: integer, default: 25, min: 1, max: 1000}
MATCH (payer)-[:SENT]->(pay:Payment)-[:PAID_TO]->(payee)
WHERE pay.currency = $currency
RETURN pay.id AS payment_id, pay.amount AS amount, pay.date AS date, pay.purpose AS purpose, payer.id AS payer_id, payee.id AS payee_id
ORDER BY amount DESC, payment_id
LIMIT $limit
