// Package fr formats and parses numbers and dates the French way, as the
// pages and documents of APiLos show them: amounts "1 234,56 €", surfaces
// "45,50 m²", dates "5 janvier 2024" or "05/01/2024", and decimals typed
// by users with a comma ("1 234,56") or a point ("1234.56").
//
// Thousands are separated by a non-breaking space (U+00A0), as is the
// unit, so a value never wraps across two lines.
package fr

import (
	"errors"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without tzdata

	"github.com/shopspring/decimal"
)

// NBSP is the non-breaking space between thousands and before units.
const NBSP = "\u00a0"

// Paris is the time zone dates and times are shown in.
var Paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// Number writes d rounded half away from zero to places decimals, with a
// comma and grouped thousands: Number(1234.5, 2) = "1 234,50".
func Number(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg && strings.Trim(intPart+frac, "0") != "" {
		b.WriteString("-")
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(NBSP)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(",")
		b.WriteString(frac)
	}
	return b.String()
}

// Amount is a sum of money in euros: "1 234,56 €".
func Amount(d decimal.Decimal) string { return Number(d, 2) + NBSP + "€" }

// Surface is an area in square metres: "45,50 m²".
func Surface(d decimal.Decimal) string { return Number(d, 2) + NBSP + "m²" }

// Int groups the thousands of an integer: "12 345".
func Int(n int64) string { return Number(decimal.NewFromInt(n), 0) }

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// Month is the French name of the month.
func Month(m time.Month) string { return months[m-1] }

// DateLong is "5 janvier 2024". A DATE column (midnight UTC) keeps its
// day: the date is read as given, not converted to Paris.
func DateLong(t time.Time) string {
	return itoa(t.Day()) + " " + Month(t.Month()) + " " + itoa(t.Year())
}

// DateShort is "05/01/2024".
func DateShort(t time.Time) string { return t.Format("02/01/2006") }

// DateTime is an instant in Paris: "05/01/2024 14:30".
func DateTime(t time.Time) string { return t.In(Paris).Format("02/01/2006 15:04") }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// ErrDecimal is returned by ParseDecimal for text that is not a number.
var ErrDecimal = errors.New("saisissez un nombre, par exemple 1 234,56")

// ParseDecimal reads a decimal typed by a user: a comma or a point as
// decimal separator, spaces (ordinary, non-breaking, narrow) between
// thousands, an optional sign and an optional trailing "€" or "m²".
// "1 234,56", "1234.56" and "1234,5 €" are accepted; "1,234.56" (two
// separators), "12,3,4" and "" are refused.
func ParseDecimal(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "€")
	s = strings.TrimSuffix(s, "m²")
	var b strings.Builder
	seps := 0
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r == ',' || r == '.':
			seps++
			b.WriteByte('.')
		case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t':
			// Thousands separators (and the space before a unit).
		case (r == '-' || r == '+') && i == 0:
			b.WriteRune(r)
		default:
			return decimal.Decimal{}, ErrDecimal
		}
	}
	if digits == 0 || seps > 1 {
		return decimal.Decimal{}, ErrDecimal
	}
	d, err := decimal.NewFromString(b.String())
	if err != nil {
		return decimal.Decimal{}, ErrDecimal
	}
	return d, nil
}

// ParseDate reads a date from an HTML date input ("2024-03-15") or typed
// the French way ("15/03/2024"); the result is midnight UTC (a DATE).
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("saisissez une date au format JJ/MM/AAAA")
}
