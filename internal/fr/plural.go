package fr

// Plural picks the French form for n: the singular for 0 and 1 (« 0
// commentaire », « 1 commentaire »), the plural from 2 on.
func Plural(n int, singular, plural string) string {
	if n > -2 && n < 2 {
		return singular
	}
	return plural
}

// Count writes n (grouped thousands) and the noun in the form n asks:
// Count(3, "commentaire", "commentaires") = "3 commentaires".
func Count(n int, singular, plural string) string {
	return Int(int64(n)) + " " + Plural(n, singular, plural)
}
