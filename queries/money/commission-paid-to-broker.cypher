// title: "Who paid commission to a broker"
// description: "Payers of commission payments to a person, with totals per payer and currency."
// category: money
// returns: table
// params:
//   broker_id: {type: string, example: P-0001}
MATCH (payer)-[:SENT]->(pay:Payment)-[:PAID_TO]->(b:Person {id: $broker_id})
WHERE pay.purpose = 'commission'
RETURN payer.id AS payer_id, payer.name AS payer, pay.currency AS currency, count(pay) AS payments, sum(pay.amount) AS total
ORDER BY total DESC, payer_id
