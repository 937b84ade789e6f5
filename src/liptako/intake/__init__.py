"""Report intake from text: a field message or a news item, in French or English, becomes a
draft incident (date, place, event type, fatalities, actors, each with a confidence) for an
analyst to check and save."""
