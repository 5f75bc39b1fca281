// title: "People who crossed a border in a date window"
// description: "Border crossings between two dates, optionally into one country."
// category: travel
// returns: table
// params:
//   from_date: {type: date, example: '2023-01-01'}
//   to_date: {type: date, example: '2023-12-31'}
//   country: {type: string, default: '', description: ISO code of the country entered; empty for any}
//   limit: {type: integer, default: 500, min: 1, max: 10000}
MATCH (p:Person)-[:PARTICIPATED_IN]->(e:Event)
WHERE e.event_type = 'border_crossing' AND e.date >= $from_date AND e.date <= $to_date
  AND ($country = '' OR e.country = $country)
RETURN p.id AS person_id, p.name AS name, e.date AS date, e.from_country AS from_country, e.country AS to_country, e.place AS place
ORDER BY date, person_id
LIMIT $limit
