package demo

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Rent and surface rules of data model §20.2 and §20.8, written from the
// spec (not from the generator).

type unit struct {
	designation                           string
	sh, sa, sar, su, lpm, coef, loyer     *big.Rat
	rawSH, rawSA, rawSAR, rawSU, rawLoyer string
	rawLpm, rawCoef                       string
}

func newUnit(d, sh, sa, sar, su, lpm, coef, loyer string) unit {
	return unit{designation: d, sh: mustRat(sh), sa: mustRat(sa), sar: mustRat(sar), su: mustRat(su),
		lpm: mustRat(lpm), coef: mustRat(coef), loyer: mustRat(loyer),
		rawSH: sh, rawSA: sa, rawSAR: sar, rawSU: su, rawLoyer: loyer, rawLpm: lpm, rawCoef: coef}
}

var (
	one      = big.NewRat(1, 1)
	dixCents = big.NewRat(1, 10)
	limite   = big.NewRat(10000, 1) // form fields numeric(6,2)
)

// checkSurfaces: SU = SH + 50 % of the retained annex surface; the
// retained surface is part of the actual one; values within the form
// limits.
func checkSurfaces(u unit) error {
	want := new(big.Rat).Add(u.sh, new(big.Rat).Mul(u.sar, big.NewRat(1, 2)))
	if u.su.Cmp(want) != 0 {
		return fmt.Errorf("%s : surface utile %s ≠ %s + %s / 2", u.designation, u.rawSU, u.rawSH, u.rawSAR)
	}
	if u.sar.Cmp(u.sa) > 0 {
		return fmt.Errorf("%s : surface annexes retenue %s > surface annexes %s", u.designation, u.rawSAR, u.rawSA)
	}
	for _, v := range []*big.Rat{u.sh, u.sa, u.sar, u.su, u.lpm, u.loyer} {
		if v.Sign() < 0 || v.Cmp(limite) >= 0 {
			return fmt.Errorf("%s : valeur %s hors des limites du formulaire", u.designation, v.FloatString(2))
		}
	}
	if u.coef.Sign() <= 0 || u.coef.Cmp(big.NewRat(100, 1)) >= 0 {
		return fmt.Errorf("%s : coefficient %s hors de numeric(6,4)", u.designation, u.rawCoef)
	}
	if u.sh.Sign() == 0 || u.lpm.Sign() == 0 {
		return fmt.Errorf("%s : surface habitable et loyer par m² requis", u.designation)
	}
	return nil
}

// checkLoyerTolerance: |round2(loyer) − round2(SU × lpm × coef)| ≤ 1 €.
func checkLoyerTolerance(u unit) error {
	diff := new(big.Rat).Sub(round2(u.loyer), round2(mul(u.su, u.lpm, u.coef)))
	if diff.Abs(diff).Cmp(one) > 0 {
		return fmt.Errorf("%s : loyer %s trop loin de %s × %s × %s", u.designation, u.rawLoyer, u.rawSU, u.rawLpm, u.rawCoef)
	}
	return nil
}

// checkLoyerExact: the maximum rent IS SU × lpm × coef, rounded half up.
func checkLoyerExact(u unit) error {
	if want := round2(mul(u.su, u.lpm, u.coef)); u.loyer.Cmp(want) != 0 {
		return fmt.Errorf("%s : loyer %s ≠ arrondi(%s × %s × %s) = %s", u.designation, u.rawLoyer,
			u.rawSU, u.rawLpm, u.rawCoef, want.FloatString(2))
	}
	return nil
}

// checkFinancement: one loyer par m² for every unit of a financement, and
// Σ(coef × SU × lpm) rounded ≤ Σ(SU × lpm) rounded + nb_logements.
func checkFinancement(units []unit) error {
	sumCoef, sum := new(big.Rat), new(big.Rat)
	for _, u := range units {
		if u.lpm.Cmp(units[0].lpm) != 0 {
			return fmt.Errorf("%s : loyer par m² %s différent de %s", u.designation, u.rawLpm, units[0].rawLpm)
		}
		sumCoef.Add(sumCoef, mul(u.coef, u.su, u.lpm))
		sum.Add(sum, mul(u.su, u.lpm))
	}
	limit := new(big.Rat).Add(round2(sum), big.NewRat(int64(len(units)), 1))
	if round2(sumCoef).Cmp(limit) > 0 {
		return fmt.Errorf("Σ coef × SU × lpm = %s dépasse Σ SU × lpm + %d = %s",
			round2(sumCoef).FloatString(2), len(units), limit.FloatString(2))
	}
	return nil
}

func checkDesignations(units []unit) error {
	seen := map[string]bool{}
	for _, u := range units {
		if seen[u.designation] {
			return fmt.Errorf("désignation %q en double", u.designation)
		}
		seen[u.designation] = true
	}
	return nil
}

// checkAnnexe: round2(loyer) ≤ round2(surface × loyer unitaire) + 0.10 €.
func checkAnnexe(surface, lpm, loyer *big.Rat) error {
	limit := new(big.Rat).Add(round2(mul(surface, lpm)), dixCents)
	if round2(loyer).Cmp(limit) > 0 {
		return fmt.Errorf("loyer d'annexe %s > %s", loyer.FloatString(2), limit.FloatString(2))
	}
	return nil
}

// The checkers must reject what the spec rejects, or the dataset tests
// below would prove nothing.
func TestRentRuleCheckers(t *testing.T) {
	valid := newUnit("A001", "45.00", "6.00", "6.00", "48.00", "6.04", "1.0500", "304.42") // 48 × 6.04 × 1.05 = 304.416
	halfUp := newUnit("A002", "10.05", "0.00", "0.00", "10.05", "1.00", "0.5000", "5.03")  // 5.025 → 5.03
	cases := []struct {
		name  string
		check func() error
		ok    bool
	}{
		{"unité conforme", func() error { return errors.Join(checkSurfaces(valid), checkLoyerExact(valid)) }, true},
		{"arrondi au demi supérieur", func() error { return checkLoyerExact(halfUp) }, true},
		{"arrondi au pair refusé", func() error {
			return checkLoyerExact(newUnit("A", "10.05", "0.00", "0.00", "10.05", "1.00", "0.5000", "5.02"))
		}, false},
		{"écart d'1 € toléré", func() error {
			return checkLoyerTolerance(newUnit("A", "45.00", "6.00", "6.00", "48.00", "6.04", "1.0500", "305.42"))
		}, true},
		{"écart de plus d'1 € refusé", func() error {
			return checkLoyerTolerance(newUnit("A", "45.00", "6.00", "6.00", "48.00", "6.04", "1.0500", "305.43"))
		}, false},
		{"SU sans les annexes retenues", func() error {
			return checkSurfaces(newUnit("A", "45.00", "6.00", "6.00", "45.00", "6.04", "1.0000", "271.80"))
		}, false},
		{"SU avec toutes les annexes", func() error {
			return checkSurfaces(newUnit("A", "45.00", "6.00", "6.00", "51.00", "6.04", "1.0000", "308.04"))
		}, false},
		{"annexes retenues > réelles", func() error {
			return checkSurfaces(newUnit("A", "45.00", "4.00", "6.00", "48.00", "6.04", "1.0000", "289.92"))
		}, false},
		{"surface hors limites", func() error {
			return checkSurfaces(newUnit("A", "10000.00", "0.00", "0.00", "10000.00", "6.04", "1.0000", "60400.00"))
		}, false},
		{"loyer par m² unique", func() error {
			return checkFinancement([]unit{valid, newUnit("A003", "45.00", "6.00", "6.00", "48.00", "6.05", "1.0000", "290.40")})
		}, false},
		{"somme des coefficients dans la tolérance", func() error {
			return checkFinancement([]unit{
				newUnit("A", "48.00", "0.00", "0.00", "48.00", "6.00", "1.1000", "316.80"),
				newUnit("B", "48.00", "0.00", "0.00", "48.00", "6.00", "0.9000", "259.20"),
			})
		}, true},
		{"somme des coefficients trop haute", func() error {
			return checkFinancement([]unit{
				newUnit("A", "48.00", "0.00", "0.00", "48.00", "6.00", "1.1000", "316.80"),
				newUnit("B", "48.00", "0.00", "0.00", "48.00", "6.00", "1.0000", "288.00"),
			})
		}, false},
		{"désignations en double", func() error { return checkDesignations([]unit{valid, valid}) }, false},
		{"annexe à +0,10 €", func() error { return checkAnnexe(mustRat("10.00"), mustRat("1.50"), mustRat("15.10")) }, true},
		{"annexe au-delà de +0,10 €", func() error { return checkAnnexe(mustRat("10.00"), mustRat("1.50"), mustRat("15.11")) }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.check()
			if c.ok && err != nil {
				t.Errorf("refusé à tort : %v", err)
			}
			if !c.ok && err == nil {
				t.Error("accepté à tort")
			}
		})
	}
}

func unitOf(t testing.TB, o fixObj) unit {
	return unit{
		designation: o.str(t, "designation"),
		sh:          dec(t, o.str(t, "surface_habitable")), rawSH: o.str(t, "surface_habitable"),
		sa: dec(t, o.str(t, "surface_annexes")), rawSA: o.str(t, "surface_annexes"),
		sar: dec(t, o.str(t, "surface_annexes_retenue")), rawSAR: o.str(t, "surface_annexes_retenue"),
		su: dec(t, o.str(t, "surface_utile")), rawSU: o.str(t, "surface_utile"),
		lpm: dec(t, o.str(t, "loyer_par_metre_carre")), rawLpm: o.str(t, "loyer_par_metre_carre"),
		coef: dec(t, o.str(t, "coeficient")), rawCoef: o.str(t, "coeficient"),
		loyer: dec(t, o.str(t, "loyer")), rawLoyer: o.str(t, "loyer"),
	}
}

// datasetsUnderTest: the demo, another seed, and a bulk generation.
func datasetsUnderTest(t *testing.T) map[string]*dataset {
	return map[string]*dataset{
		"démo":          generated(t, Options{Seed: DefaultSeed, Users: true}),
		"graine 7":      generated(t, Options{Seed: 7, Users: true}),
		"40 opérations": generated(t, Options{Seed: 11, Programmes: 40}),
	}
}

func TestEveryLogementFollowsTheRentRules(t *testing.T) {
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			checked := 0
			for _, c := range d.byModel["conventions.convention"] {
				var all []unit
				for _, lot := range d.children("programmes.lot", "convention", c.PK, t) {
					var units []unit
					for _, lg := range d.children("programmes.logement", "lot", lot.PK, t) {
						if !lg.isNull(t, "surface_corrigee") {
							t.Errorf("%s : tableau en surface corrigée inattendu", lg)
						}
						u := unitOf(t, lg)
						for _, err := range []error{checkSurfaces(u), checkLoyerTolerance(u), checkLoyerExact(u)} {
							if err != nil {
								t.Errorf("%s (%s) : %v", c, lot.str(t, "financement"), err)
							}
						}
						units = append(units, u)
						checked++
						for _, a := range d.children("programmes.annexe", "logement", lg.PK, t) {
							if err := checkAnnexe(dec(t, a.str(t, "surface_hors_surface_retenue")),
								dec(t, a.str(t, "loyer_par_metre_carre")), dec(t, a.str(t, "loyer"))); err != nil {
								t.Errorf("%s : %v", a, err)
							}
						}
					}
					if n := lot.ref(t, "nb_logements"); n != len(units) || n < 5 || n > 20 {
						t.Errorf("%s : nb_logements %d pour %d logements (attendu 5 à 20)", lot, n, len(units))
					}
					if err := checkFinancement(units); err != nil {
						t.Errorf("%s, lot %s : %v", c, lot.str(t, "financement"), err)
					}
					all = append(all, units...)
				}
				if err := checkDesignations(all); err != nil {
					t.Errorf("%s : %v", c, err)
				}
			}
			if checked == 0 {
				t.Fatal("aucun logement vérifié")
			}
		})
	}
}

// When the programme has an EDD, each designation of a convention appears
// there exactly once, with a financement of the convention (§20.8).
func TestDesignationsAreInTheEDD(t *testing.T) {
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			withEDD := 0
			for _, c := range d.byModel["conventions.convention"] {
				prog := c.ref(t, "programme")
				if !d.index["programmes.programme"][prog].isNull(t, "parent") {
					continue // EDD rows are not cloned into avenant programmes
				}
				edd := d.children("programmes.logementedd", "programme", prog, t)
				if len(edd) == 0 {
					continue
				}
				withEDD++
				fins := map[string]bool{}
				var designations []string
				for _, lot := range d.children("programmes.lot", "convention", c.PK, t) {
					fins[lot.str(t, "financement")] = true
					for _, lg := range d.children("programmes.logement", "lot", lot.PK, t) {
						designations = append(designations, lg.str(t, "designation"))
					}
				}
				for _, des := range designations {
					n := 0
					for _, e := range edd {
						if e.str(t, "designation") == des {
							n++
							if !fins[e.str(t, "financement")] {
								t.Errorf("%s : %s dans l'EDD avec le financement %s absent de la convention", c, des, e.str(t, "financement"))
							}
						}
					}
					if n != 1 {
						t.Errorf("%s : %s présent %d fois dans l'EDD", c, des, n)
					}
				}
			}
			if name == "démo" && withEDD == 0 {
				t.Fatal("aucune convention avec EDD dans la démo")
			}
		})
	}
}

var numeroRe = regexp.MustCompile(`^([0-9AB]{2,3})\.([^.]+)\.(\d{1,2})\.(\d{4})$`)

// Convention numbers (§20.3): "<D>.<A>.<YY>.<NNNN>", NNNN counting up
// from 1 per département and validation year; avenants numbered 1, 2, …
// in validation order; no number before validation.
func TestNumbering(t *testing.T) {
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			type num struct {
				valide string
				n      int
				c      fixObj
			}
			series := map[string][]num{}
			seen := map[string]bool{}
			avenants := map[int][]fixObj{}
			for _, c := range d.byModel["conventions.convention"] {
				numero, valide := c.str(t, "numero"), c.str(t, "valide_le")
				if (numero == "") != (valide == "") {
					t.Errorf("%s : numero %q et valide_le %q doivent aller ensemble", c, numero, valide)
				}
				if numero != "" && c.str(t, "numero_pour_recherche") != strings.NewReplacer(".", "", "/", "", "-", "", " ", "").Replace(numero) {
					t.Errorf("%s : numero_pour_recherche %q", c, c.str(t, "numero_pour_recherche"))
				}
				if p := c.ref(t, "parent"); p != 0 {
					avenants[p] = append(avenants[p], c)
					continue
				}
				if numero == "" {
					continue
				}
				if seen[numero] {
					t.Errorf("numéro %s en double", numero)
				}
				seen[numero] = true
				m := numeroRe.FindStringSubmatch(numero)
				if m == nil {
					t.Errorf("%s : numéro %q mal formé", c, numero)
					continue
				}
				prog := d.index["programmes.programme"][c.ref(t, "programme")]
				admin := d.index["instructeurs.administration"][prog.ref(t, "administration")]
				wantA := admin.str(t, "code")
				if strings.HasPrefix(wantA, "D") {
					wantA = "D"
				}
				year, _ := strconv.Atoi(valide[:4])
				if m[1] != prog.str(t, "code_insee_departement") || m[2] != wantA || m[3] != strconv.Itoa(year%100) {
					t.Errorf("%s : numéro %s, attendu %s.%s.%d.NNNN", c, numero, prog.str(t, "code_insee_departement"), wantA, year%100)
				}
				n, _ := strconv.Atoi(m[4])
				key := m[1] + "|" + valide[:4]
				series[key] = append(series[key], num{valide, n, c})
			}
			if name == "démo" && len(series) == 0 {
				t.Fatal("aucune convention numérotée")
			}
			for key, s := range series {
				// Numbers run 1, 2, … and follow the validation dates
				// (same-day validations in either order).
				sort.SliceStable(s, func(i, j int) bool { return s[i].n < s[j].n })
				for i, x := range s {
					if x.n != i+1 {
						t.Errorf("%s : %s porte le n° %d, attendu %d (1 + le plus grand de l'année)", key, x.c, x.n, i+1)
					}
					if i > 0 && x.valide < s[i-1].valide {
						t.Errorf("%s : %s (n° %d) validée le %s, avant le n° %d du %s", key, x.c, x.n, x.valide, s[i-1].n, s[i-1].valide)
					}
				}
			}
			for parent, avs := range avenants {
				sort.SliceStable(avs, func(i, j int) bool { return avs[i].str(t, "valide_le") < avs[j].str(t, "valide_le") })
				n := 0
				for _, a := range avs {
					if a.str(t, "valide_le") == "" {
						continue
					}
					n++
					if a.str(t, "numero") != strconv.Itoa(n) {
						t.Errorf("avenant %s de la convention %d : numéro %q, attendu %d", a, parent, a.str(t, "numero"), n)
					}
				}
			}
		})
	}
}

func parseDate(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("date %q : %v", s, err)
	}
	return d
}

// End of term (§20.7), for ordinary dwellings: 30 June; single PLS-type
// lot: between R+15 and R+40 (R = validation date, +1 after June);
// otherwise at least the CDC rule's year.
func TestDateFinConventionnement(t *testing.T) {
	pls := map[string]bool{"PLS": true, "PLS_DOM": true, "PALULOS": true, "PALU_AV_21": true, "PALUCOM": true, "PALU_COM": true, "PALU_RE": true}
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			for _, c := range d.byModel["conventions.convention"] {
				fin := c.str(t, "date_fin_conventionnement")
				if fin == "" {
					t.Errorf("%s : date_fin_conventionnement absente", c)
					continue
				}
				end := parseDate(t, fin)
				if end.Month() != time.June || end.Day() != 30 {
					t.Errorf("%s : %s n'est pas un 30 juin", c, fin)
				}
				lots := d.children("programmes.lot", "convention", c.PK, t)
				if len(lots) == 1 && pls[lots[0].str(t, "financement")] {
					if c.ref(t, "parent") != 0 || c.str(t, "valide_le") == "" {
						continue
					}
					r := parseDate(t, c.str(t, "valide_le"))
					lo, hi := r.Year()+15, r.Year()+40
					if r.Month() > time.June {
						lo, hi = lo+1, hi+1
					}
					if end.Year() < lo || end.Year() > hi {
						t.Errorf("%s (PLS) : fin %d hors de [%d, %d]", c, end.Year(), lo, hi)
					}
					continue
				}
				minYear, found := 0, false
				var lastEnd time.Time
				for _, lot := range lots {
					for _, p := range d.children("conventions.pret", "lot", lot.PK, t) {
						preteur := p.str(t, "preteur")
						if (preteur != "CDCF" && preteur != "CDCL") || p.isNull(t, "duree") || p.str(t, "date_octroi") == "" {
							continue
						}
						octroi := parseDate(t, p.str(t, "date_octroi"))
						duree := p.ref(t, "duree")
						e := octroi.AddDate(duree, 0, 0)
						if found && !e.After(lastEnd) {
							continue
						}
						found, lastEnd = true, e
						minYear = e.Year()
						if duree < 9 {
							minYear = octroi.Year() + 9
						}
						if e.Month() > time.June {
							minYear++
						}
					}
				}
				if !found {
					t.Errorf("%s : aucun prêt CDC daté", c)
				} else if end.Year() < minYear {
					t.Errorf("%s : fin %d avant le minimum %d de la règle CDC", c, end.Year(), minYear)
				}
			}
		})
	}
}

// Every non-PLS lot with loans has a CDC loan (§8.5); CDC loans carry a
// date, a duration and a number; AUTRE names its lender.
func TestPrets(t *testing.T) {
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			for _, lot := range d.byModel["programmes.lot"] {
				prets := d.children("conventions.pret", "lot", lot.PK, t)
				if len(prets) == 0 {
					t.Errorf("%s : aucun prêt", lot)
				}
				cdc := false
				for _, p := range prets {
					switch p.str(t, "preteur") {
					case "CDCF", "CDCL":
						cdc = true
						if p.str(t, "date_octroi") == "" || p.isNull(t, "duree") || p.str(t, "numero") == "" {
							t.Errorf("%s : prêt CDC sans date, durée ou numéro", p)
						}
					case "AUTRE":
						if p.str(t, "autre") == "" {
							t.Errorf("%s : prêteur AUTRE sans nom", p)
						}
					}
				}
				if fin := lot.str(t, "financement"); fin != "PLS" && !cdc {
					t.Errorf("%s (%s) : aucun prêt CDC", lot, fin)
				}
			}
		})
	}
}
