package demo

import (
	"fmt"
	"time"
)

type lotRec struct {
	pk             int
	financement    string
	habitat        string
	annexeFlags    map[string]bool
	mixite         int
	logements      []*logementRec
	stationnements []stationRec
	prets          []pretRec
}

// Surfaces and amounts are in cents (hundredths of m² or €), coefficients
// in ten-thousandths, so every value is exact.
type logementRec struct {
	designation, typologie string
	sh, sa, sar, su        int64
	lpm, coef, loyer       int64
	annexes                []annexeRec
}

type annexeRec struct {
	typologie           string
	surface, lpm, loyer int64
}

type stationRec struct {
	typologie string
	nb        int
	loyer     int64
}

type pretRec struct {
	preteur, autre string
	octroi         time.Time
	numero         string
	duree          int
	montant        int64
}

var annexeFlagNames = []string{"annexe_caves", "annexe_soussols", "annexe_remises", "annexe_ateliers",
	"annexe_sechoirs", "annexe_celliers", "annexe_resserres", "annexe_combles", "annexe_balcons",
	"annexe_loggias", "annexe_terrasses"}

// Typology weights per habitat: flats are smaller than houses.
var typoWeights = map[string][]int{ // T1..T5
	"COLLECTIF":  {12, 30, 34, 18, 6},
	"INDIVIDUEL": {0, 10, 35, 40, 15},
}

var shRange = map[string][2]int64{ // surface habitable, cents of m²
	"T1": {2500, 3400}, "T2": {4200, 5200}, "T3": {6000, 7200}, "T4": {7500, 8800}, "T5": {9000, 10500},
}

func (g *generator) typologie(habitat string) string {
	w := typoWeights[habitat]
	total := 0
	for _, x := range w {
		total += x
	}
	r := g.rng.IntN(total)
	for i, x := range w {
		if r < x {
			return fmt.Sprintf("T%d", i+1)
		}
		r -= x
	}
	return "T3"
}

// roundDiv divides a non-negative n by d rounding half up, as the rent
// rule rounds (§20.8).
func roundDiv(n, d int64) int64 { return (n + d/2) / d }

// setLoyers applies the rent rule to every unit: loyer =
// round2(SU × loyer par m² × coefficient), after bringing the
// coefficients down, when needed, so that Σ coef × SU ≤ Σ SU: the weighted
// coefficients may not raise the lot's total rent above its ceiling.
func setLoyers(ls []*logementRec, lpm int64) {
	var sumSU, sumCoefSU int64
	for _, l := range ls {
		sumSU += l.su
		sumCoefSU += l.su * l.coef
	}
	if sumCoefSU > sumSU*10000 {
		for _, l := range ls {
			l.coef = l.coef * sumSU * 10000 / sumCoefSU // rounds down
		}
	}
	for _, l := range ls {
		l.lpm = lpm
		// cents(m²) × cents(€/m²) × 1e-4 = 1e-8 €; back to cents.
		l.loyer = roundDiv(l.su*l.lpm*l.coef, 1_000_000)
	}
}

func (g *generator) newLot(p *progRec, fin string, octroiBefore time.Time) *lotRec {
	habitat := p.plan.typeHabitat
	lot := &lotRec{financement: fin, habitat: habitat, annexeFlags: map[string]bool{}}
	n := int(g.between(5, 20))
	lettre := p.lettre
	p.lettre++
	for i := range n {
		h := habitat
		if h == "MIXTE" {
			h = "COLLECTIF"
			if i >= n/2 {
				h = "INDIVIDUEL"
			}
		}
		l := &logementRec{typologie: g.typologie(h)}
		if h == "COLLECTIF" {
			l.designation = fmt.Sprintf("%c%d%02d", lettre, i/4, i%4+1)
		} else {
			l.designation = fmt.Sprintf("Maison %c%02d", lettre, i+1)
		}
		r := shRange[l.typologie]
		l.sh = g.between(r[0], r[1])
		if g.rng.IntN(10) < 6 {
			l.sa = g.between(300, 1600)
			// Retained annex surface: even cents so that SU = SH + SAR/2
			// stays exact; sometimes a part (a cellar) is not retained.
			l.sar = l.sa &^ 1
			if g.rng.IntN(10) < 3 {
				l.sar = (l.sa * 2 / 3) &^ 1
			}
		}
		l.su = l.sh + l.sar/2
		l.coef = g.between(9000, 11000)
		if g.rng.IntN(100) < 35 {
			a := annexeRec{}
			switch {
			case h == "INDIVIDUEL" && g.rng.IntN(4) > 0:
				a.typologie, a.surface, a.lpm = "JARDIN", g.between(2000, 15000), g.between(50, 100)
			case h == "INDIVIDUEL":
				a.typologie, a.surface, a.lpm = "COUR", g.between(1000, 4000), g.between(80, 120)
			default:
				a.typologie, a.surface, a.lpm = "TERRASSE", g.between(800, 2500), g.between(150, 250)
			}
			// Annex rent = surface × unit rent, rounded half up (≤ +0.10 €).
			a.loyer = roundDiv(a.surface*a.lpm, 100)
			l.annexes = append(l.annexes, a)
		}
		lot.logements = append(lot.logements, l)
	}
	setLoyers(lot.logements, p.lpm[fin])

	for _, name := range annexeFlagNames {
		lot.annexeFlags[name] = g.rng.IntN(4) == 0
	}
	if fin == "PLUS" || fin == "PLUS_CD" {
		lot.mixite = g.rng.IntN(3)
	}

	switch habitat {
	case "COLLECTIF":
		lot.stationnements = append(lot.stationnements, stationRec{"PARKING_SOUSSOL", n * int(g.between(3, 4)) / 4, g.between(35, 55) * 100})
		if g.rng.IntN(2) == 0 {
			lot.stationnements = append(lot.stationnements, stationRec{"DEUX_ROUES_SOUSSOL", n / 2, g.between(8, 12) * 100})
		}
	case "INDIVIDUEL":
		typ := "GARAGE_AERIEN"
		if g.rng.IntN(3) == 0 {
			typ = "CARPORT"
		}
		lot.stationnements = append(lot.stationnements, stationRec{typ, n, g.between(25, 45) * 100})
	default:
		lot.stationnements = append(lot.stationnements, stationRec{"PLACE_STATIONNEMENT", n, g.between(15, 30) * 100})
	}

	octroi := func() time.Time { return g.workTime(octroiBefore.AddDate(0, 0, -g.days(30, 150))) }
	numero := func() string { return fmt.Sprintf("%d", g.between(100000, 999999)) }
	nn := int64(n)
	switch fin {
	case "PLS":
		lot.prets = append(lot.prets,
			pretRec{"CDCL", "", octroi(), numero(), 30, nn * g.between(90000, 130000) * 100},
			pretRec{"AUTRE", "Crédit Coopératif", octroi(), fmt.Sprintf("CC-%d", g.between(10000, 99999)), 25, nn * g.between(30000, 50000) * 100})
	default:
		lot.prets = append(lot.prets,
			pretRec{"CDCL", "", octroi(), numero(), 40, nn * g.between(70000, 110000) * 100},
			pretRec{"CDCF", "", octroi(), numero(), 50, nn * g.between(15000, 35000) * 100})
		if fin == "PLAI" {
			lot.prets = append(lot.prets, pretRec{"ETAT", "", octroi(), "", 0, nn * g.between(8000, 14000) * 100})
		} else {
			lot.prets = append(lot.prets, pretRec{"AUTRE", "Action Logement Services", octroi(), "", 40, nn * g.between(5000, 10000) * 100})
		}
		if g.rng.IntN(2) == 0 {
			lot.prets = append(lot.prets, pretRec{"REGION", "", octroi(), "", 0, nn * g.between(2000, 5000) * 100})
		}
	}
	return lot
}

// clone copies a lot for an avenant (§20.4): every unit with its annexes
// and every parking type; loans are set by the caller.
func (l *lotRec) clone() *lotRec {
	c := *l
	c.pk = 0
	c.logements = nil
	for _, lg := range l.logements {
		cp := *lg
		cp.annexes = append([]annexeRec(nil), lg.annexes...)
		c.logements = append(c.logements, &cp)
	}
	c.stationnements = append([]stationRec(nil), l.stationnements...)
	c.prets = nil
	return &c
}

func isPLS(fin string) bool {
	switch fin {
	case "PLS", "PLS_DOM", "PALULOS", "PALU_AV_21", "PALUCOM", "PALU_COM", "PALU_RE":
		return true
	}
	return false
}

// dateFin is the end of the convention term (§20.7), stored as 30 June
// (ordinary dwellings): for a single PLS-type lot a year between
// R+15 and R+40 (+1 when R is after June), taken as the end of the last
// loan kept inside those bounds; otherwise the CDC rule: the end year of
// the CDCF/CDCL loan ending last, raised to octroi + 9 years for a short
// loan, +1 when it ends after June.
func dateFin(lots []*lotRec, r time.Time) time.Time {
	var best *pretRec
	var bestEnd time.Time
	for _, l := range lots {
		for i := range l.prets {
			p := &l.prets[i]
			if (p.preteur != "CDCF" && p.preteur != "CDCL") || p.duree == 0 {
				continue
			}
			if end := p.octroi.AddDate(p.duree, 0, 0); best == nil || end.After(bestEnd) {
				best, bestEnd = p, end
			}
		}
	}
	year := 0
	if best != nil {
		year = bestEnd.Year()
		if best.duree < 9 {
			year = best.octroi.Year() + 9
		}
		if bestEnd.Month() > time.June {
			year++
		}
	}
	if len(lots) == 1 && isPLS(lots[0].financement) {
		lo, hi := r.Year()+15, r.Year()+40
		if r.Month() > time.June {
			lo, hi = lo+1, hi+1
		}
		year = min(max(year, lo), hi)
	}
	return time.Date(year, time.June, 30, 0, 0, 0, 0, time.UTC)
}
