// title: "Payments in a date window"
// description: "Every payment between two dates, optionally of one purpose."
// category: money
// returns: table
// params:
//   from_date: {type: date, example: '2023-01-01'}
//   to_date: {type: date, example: '2023-12-31'}
//   purpose: {type: string, default: '', description: empty for every purpose, choices: ['', commission, debt, wage, ticket, proceeds, fee, other]}
//   limit: {type: integer, default: 500, min: 1, max: 10000}
MATCH (payer)-[:SENT]->(pay:Payment)-[:PAID_TO]->(payee)
WHERE pay.date >= $from_date AND pay.date <= $to_date AND ($purpose = '' OR pay.purpose = $purpose)
WITH pay, collect(DISTINCT payer.id) AS payers, collect(DISTINCT payee.id) AS payees
RETURN pay.id AS payment_id, pay.date AS date, pay.amount AS amount, pay.currency AS currency, pay.purpose AS purpose, payers, payees
ORDER BY date, payment_id
LIMIT $limit
