// title: "Largest payments"
// description: "The largest single payments in a currency, with payers and beneficiaries (people, organisations and their accounts), date and purpose."
// category: money
// returns: table
// params:
//   currency: {type: string, example: CNY}
//   limit: {type: integer, default: 25, min: 1, max: 1000}
MATCH (payer)-[:SENT]->(pay:Payment)-[:PAID_TO]->(payee)
WHERE pay.currency = $currency
WITH pay, collect(DISTINCT payer.id) AS payers, collect(DISTINCT payee.id) AS payees
RETURN pay.id AS payment_id, pay.amount AS amount, pay.date AS date, pay.purpose AS purpose, payers, payees
ORDER BY amount DESC, payment_id
LIMIT $limit
