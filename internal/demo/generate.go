package demo

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// DefaultSeed is the seed of the committed dataset_staging.json.
const DefaultSeed int64 = 2025

// anchor is the dataset's "today": every event happens before it, so the
// file does not depend on the day it is generated.
var anchor = time.Date(2026, time.March, 31, 0, 0, 0, 0, time.UTC)

// Options parameterises a generation.
type Options struct {
	Seed int64
	// Programmes is the number of root programmes. 0 means the demo's
	// story (7 programmes, every statut). Fewer takes the first ones of the
	// story; more adds random programmes after it.
	Programmes int
	// Users adds the demo users and their roles; conventions are then
	// created by demo.bailleur and their history names the demo users.
	Users bool
}

// Dataset is the demo dataset: the story's programmes and conventions and
// the demo users.
func Dataset(seed int64) []Object { return Generate(Options{Seed: seed, Users: true}) }

// Generate builds a Django fixture deterministically from opt: the same
// options give the same objects, byte for byte once written.
func Generate(opt Options) []Object {
	g := &generator{
		rng: rand.New(rand.NewPCG(uint64(opt.Seed), 0x6170696c6f73)),
		pks: map[string]int{},
	}
	plans := slices.Clone(demoPlans)
	if opt.Programmes > 0 && opt.Programmes < len(plans) {
		plans = plans[:opt.Programmes]
	}
	for i := len(plans); i < opt.Programmes; i++ {
		plans = append(plans, randomPlan(g.rng, i))
	}
	g.addAdministrations()
	g.addBailleurs()
	if opt.Users {
		u := g.addUsers(anchor.AddDate(-3, 0, 0).Add(9 * time.Hour))
		g.users = &u
	}

	progs := make([]*progRec, len(plans))
	for i, p := range plans {
		progs[i] = g.planTimelines(i, p)
	}
	number(progs)
	for _, p := range progs {
		g.emitRootProgramme(p)
	}
	for _, p := range progs {
		for _, f := range p.families {
			g.emitAvenants(f)
		}
	}
	slices.SortStableFunc(g.objs, func(a, b Object) int {
		return cmp.Or(cmp.Compare(modelOrder[a.Model], modelOrder[b.Model]), cmp.Compare(a.PK, b.PK))
	})
	return g.objs
}

// modelOrder lists models so that every foreign key points backwards,
// which lets a loader insert the file in order.
var modelOrder = map[string]int{
	"instructeurs.administration":    1,
	"bailleurs.bailleur":             2,
	"users.user":                     3,
	"users.role":                     4,
	"programmes.programme":           5,
	"programmes.referencecadastrale": 6,
	"programmes.logementedd":         7,
	"conventions.convention":         8,
	"programmes.lot":                 9,
	"programmes.logement":            10,
	"programmes.annexe":              11,
	"programmes.typestationnement":   12,
	"conventions.pret":               13,
	"conventions.conventionhistory":  14,
}

type generator struct {
	rng        *rand.Rand
	objs       []Object
	pks        map[string]int
	adminPK    []int
	bailleurPK []int
	users      *userPKs
}

func (g *generator) nextPK(model string) int {
	g.pks[model]++
	return g.pks[model]
}

func (g *generator) add(model string, pk int, f Fields) {
	g.objs = append(g.objs, Object{Model: model, PK: pk, Fields: f})
}

// uuid draws a version 4 UUID from the seeded generator.
func (g *generator) uuid() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], g.rng.Uint64())
	binary.BigEndian.PutUint64(b[8:], g.rng.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (g *generator) pick(s []string) string { return s[g.rng.IntN(len(s))] }

// between returns a value in [lo, hi].
func (g *generator) between(lo, hi int64) int64 { return lo + g.rng.Int64N(hi-lo+1) }

func dateOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return date(t)
}

func timestampOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return timestamp(t)
}

// pourRecherche strips "/", "-", spaces and "." (§10.3, §5 pre-save rules).
func pourRecherche(s string) string {
	return strings.NewReplacer("/", "", "-", "", " ", "", ".", "").Replace(s)
}

// textFiles is the "text+files" JSON stored in text columns (§0).
func textFiles(text string) string {
	q, _ := marshal(text)
	return `{"text": ` + string(q) + `, "files": {}}`
}

func (g *generator) addAdministrations() {
	created := anchor.AddDate(-3, 0, 0).Add(8 * time.Hour)
	for i, a := range administrations {
		pk := g.nextPK("instructeurs.administration")
		g.adminPK = append(g.adminPK, pk)
		at := timestamp(created.Add(time.Duration(i) * time.Minute))
		g.add("instructeurs.administration", pk, Fields{
			{"uuid", g.uuid()},
			{"nom", a.nom},
			{"code", a.code},
			{"code_dans_galion", nil},
			{"ville_signature", a.ville},
			{"adresse", a.adresse},
			{"code_postal", a.codePostal},
			{"ville", a.ville},
			{"nb_convention_exemplaires", a.exemplaires},
			{"prefix_convention", "{département}/{zone}/{mois}/{année}/80.416/"},
			{"signataire_bloc_signature", a.bloc},
			{"cree_le", at},
			{"mis_a_jour_le", at},
		})
	}
}

func (g *generator) addBailleurs() {
	created := anchor.AddDate(-3, 0, 0).Add(8*time.Hour + 30*time.Minute)
	for i, b := range bailleurs {
		pk := g.nextPK("bailleurs.bailleur")
		g.bailleurPK = append(g.bailleurPK, pk)
		sn := luhnComplete(b.sirenStem)
		at := timestamp(created.Add(time.Duration(i) * time.Minute))
		var capital any
		if b.capital > 0 {
			capital = b.capital
		}
		g.add("bailleurs.bailleur", pk, Fields{
			{"uuid", g.uuid()},
			{"parent", nil},
			{"nom", b.nom},
			{"siret", luhnComplete(sn + "0001")},
			{"siren", sn},
			{"capital_social", capital},
			{"adresse", b.adresse},
			{"code_postal", b.codePostal},
			{"ville", b.ville},
			{"signataire_nom", b.signataireNom},
			{"signataire_fonction", b.signataireFonction},
			{"signataire_date_deliberation", b.deliberation},
			{"signataire_bloc_signature", b.signataireNom + "\n" + b.signataireFonction},
			{"operation_exceptionnelle", nil},
			{"nature_bailleur", b.nature},
			{"sous_nature_bailleur", b.sousNature},
			{"cree_le", at},
			{"mis_a_jour_le", at},
		})
	}
}

// ---------------------------------------------------------------------------
// Phase 1: timelines of every convention family, before any object exists.

type progRec struct {
	index    int
	plan     programmePlan
	commune  commune
	families []*family
	cree     time.Time
	lpm      map[string]int64 // loyer par m² (cents) per financement
	pk       int
	fields   Fields // root programme, kept to clone it for avenants
	lettre   byte   // next building letter for designations
}

type family struct {
	prog     *progRec
	plan     conventionPlan
	root     tline
	avenants []tline
	numero   string   // the root's numero (§20.3), "" when not validated
	avNumero []string // each avenant's numero, "" when not validated
	rootConv *convRec
}

// active statuts: the family ends recently.
func active(statut string) bool {
	return statut == statutProjet || statut == statutInstruction || statut == statutCorrection || statut == statutASigner
}

func (g *generator) planTimelines(i int, p programmePlan) *progRec {
	pr := &progRec{index: i, plan: p, commune: communes[p.commune], lpm: map[string]int64{}, lettre: 'A'}
	for _, cp := range p.conventions {
		f := &family{prog: pr, plan: cp}
		start := anchor.AddDate(-4, 0, 0)
		f.root = g.run(start, cp.statut)
		prev := f.root.signe
		last := f.root.last
		lastStatut := cp.statut
		for _, ap := range cp.avenants {
			s := prev.AddDate(0, 0, g.days(60, 150))
			var t tline
			if ap.statut == statutDenoncee {
				// The dénonciation avenant is submitted and validated;
				// validation makes the convention and its avenants DENONCEE.
				t = g.run(s, statutSignee)
				t.signe = time.Time{}
				t.denonciation = g.workTime(t.valide.AddDate(0, 0, g.days(30, 60)))
				t.last = t.denonciation
				f.root.denonciation = t.denonciation
			} else {
				t = g.run(s, ap.statut)
			}
			f.avenants = append(f.avenants, t)
			prev, last, lastStatut = t.last, t.last, ap.statut
		}
		if f.root.last.After(last) {
			last = f.root.last
		}
		jitter := g.days(20, 240)
		if active(lastStatut) {
			jitter = g.days(3, 45)
		}
		target := anchor.AddDate(0, 0, -jitter)
		weeks := int(target.Sub(last).Hours()/24) / 7
		f.root.shift(weeks)
		for k := range f.avenants {
			f.avenants[k].shift(weeks)
		}
		pr.families = append(pr.families, f)
	}
	earliest := pr.families[0].root.cree
	for _, f := range pr.families {
		if f.root.cree.Before(earliest) {
			earliest = f.root.cree
		}
	}
	pr.cree = g.workTime(earliest.AddDate(0, 0, -g.days(20, 90)))
	for _, f := range pr.families {
		for _, fin := range f.plan.financements {
			if _, ok := pr.lpm[fin]; !ok {
				// Ceiling plus a local margin of 0–8 %, in cents.
				base := loyerPlafond[fin][pr.commune.zone123]
				pr.lpm[fin] = base + base*g.between(0, 80)/1000
			}
		}
	}
	return pr
}

// ---------------------------------------------------------------------------
// Phase 2: numbering (§20.3).

// number gives validated conventions "<D>.<A>.<YY>.<NNNN>": D the
// programme's département, A "D" for a DDT(M) (code starting with "D") or
// the administration code, YY the validation year without zero padding,
// NNNN one more than the greatest number already given in that
// département and year. Avenants are numbered 1, 2, … in validation order.
func number(progs []*progRec) {
	var roots []*family
	for _, p := range progs {
		for _, f := range p.families {
			if !f.root.valide.IsZero() {
				roots = append(roots, f)
			}
			var avs []int
			f.avNumero = make([]string, len(f.avenants))
			for k, t := range f.avenants {
				if !t.valide.IsZero() {
					avs = append(avs, k)
				}
			}
			slices.SortStableFunc(avs, func(a, b int) int { return f.avenants[a].valide.Compare(f.avenants[b].valide) })
			for n, k := range avs {
				f.avNumero[k] = fmt.Sprint(n + 1)
			}
		}
	}
	slices.SortStableFunc(roots, func(a, b *family) int { return a.root.valide.Compare(b.root.valide) })
	last := map[string]int{}
	for _, f := range roots {
		c := f.prog.commune
		a := administrations[c.admin].code
		if strings.HasPrefix(a, "D") {
			a = "D"
		}
		key := fmt.Sprintf("%s|%d", c.departement, f.root.valide.Year())
		last[key]++
		f.numero = fmt.Sprintf("%s.%s.%d.%04d", c.departement, a, f.root.valide.Year()%100, last[key])
	}
}
