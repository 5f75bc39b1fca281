// title: "Events in a person's case"
// description: "Every event the person took part in (recruitment, crossings, exploitation, marriage registration), in date order."
// category: travel
// returns: table
// params:
//   person_id: {type: string, example: P-0001}
MATCH (p:Person {id: $person_id})-[:PARTICIPATED_IN]->(e:Event)
RETURN e.id AS event_id, e.date AS date, e.event_type AS event_type, e.stage AS stage, e.place AS place, e.country AS country
ORDER BY date, event_id
