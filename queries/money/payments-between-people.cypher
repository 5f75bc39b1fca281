// title: "Payments between two people"
// description: "Payments one person sent to the other, directly or between accounts they own."
// category: money
// returns: graph
// params:
//   payer_id: {type: string, example: P-0001}
//   payee_id: {type: string, example: P-0002}
//   limit: {type: integer, default: 500, min: 1, max: 5000}
MATCH (a:Person {id: $payer_id})-[s:SENT]->(pay:Payment)-[t:PAID_TO]->(b:Person {id: $payee_id})
RETURN a, s, pay, t, b
LIMIT $limit
