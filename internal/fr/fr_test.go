package fr

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// sp makes expectations readable: "_" stands for the non-breaking space.
func sp(s string) string { return strings.ReplaceAll(s, "_", NBSP) }

func TestNumberAmountSurface(t *testing.T) {
	for _, c := range []struct {
		in     string
		places int32
		want   string
	}{
		{"0", 2, "0,00"},
		{"5", 2, "5,00"},
		{"999", 0, "999"},
		{"1000", 0, "1_000"},
		{"1234.56", 2, "1_234,56"},
		{"1234567.891", 2, "1_234_567,89"},
		{"-1234.5", 2, "-1_234,50"},
		{"-0.001", 2, "0,00"},
		{"0.005", 2, "0,01"},
		{"100000", 2, "100_000,00"},
	} {
		if got := Number(decimal.RequireFromString(c.in), c.places); got != sp(c.want) {
			t.Errorf("Number(%s, %d) = %q, veut %q", c.in, c.places, got, sp(c.want))
		}
	}
	if got := Amount(decimal.RequireFromString("1234.56")); got != sp("1_234,56_€") {
		t.Errorf("Amount = %q", got)
	}
	if got := Surface(decimal.RequireFromString("45.5")); got != sp("45,50_m²") {
		t.Errorf("Surface = %q", got)
	}
	if got := Int(1234567); got != sp("1_234_567") {
		t.Errorf("Int = %q", got)
	}
}

func TestDates(t *testing.T) {
	d := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	if got := DateLong(d); got != "5 janvier 2024" {
		t.Errorf("DateLong = %q", got)
	}
	if got := DateLong(time.Date(2023, 8, 31, 0, 0, 0, 0, time.UTC)); got != "31 août 2023" {
		t.Errorf("DateLong août = %q", got)
	}
	if got := DateShort(d); got != "05/01/2024" {
		t.Errorf("DateShort = %q", got)
	}
	// 23:30 UTC on 31 December is already 1 January in Paris.
	if got := DateTime(time.Date(2023, 12, 31, 23, 30, 0, 0, time.UTC)); got != "01/01/2024 00:30" {
		t.Errorf("DateTime = %q", got)
	}
	for _, in := range []string{"2024-03-15", "15/03/2024", " 15/03/2024 "} {
		got, err := ParseDate(in)
		if err != nil || !got.Equal(time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("ParseDate(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "31/02/2024", "2024-13-01", "demain"} {
		if _, err := ParseDate(in); err == nil {
			t.Errorf("ParseDate(%q) accepté", in)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]string{
		"1 234,56":        "1234.56",
		"1\u00a0234,56":   "1234.56",
		"1\u202f234,56 €": "1234.56",
		"1234.56":         "1234.56",
		"45,5 m²":         "45.5",
		"-3,2":            "-3.2",
		"300":             "300",
		",5":              "0.5",
	} {
		got, err := ParseDecimal(in)
		if err != nil || !got.Equal(decimal.RequireFromString(want)) {
			t.Errorf("ParseDecimal(%q) = %v, %v ; veut %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "1,234.56", "12,3,4", "1-2", "€", "3 e"} {
		if _, err := ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) accepté", in)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{
		{0, "0 commentaire ouvert"}, {1, "1 commentaire ouvert"}, {2, "2 commentaires ouverts"}, {1500, "1\u00a0500 commentaires ouverts"},
	} {
		if got := Count(tc.n, "commentaire", "commentaires") + " " + Plural(tc.n, "ouvert", "ouverts"); got != tc.want {
			t.Errorf("%d : %q, attendu %q", tc.n, got, tc.want)
		}
	}
}
