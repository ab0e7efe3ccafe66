package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// BulkOptions parameterises Bulk.
type BulkOptions struct {
	// Conventions is the number of rows of conventions_convention to add
	// (conventions and avenants, about one avenant in ten).
	Conventions int
	Seed        int64
	// Batch is the number of rows written per transaction (default 5000).
	Batch int
	// Progress, if set, is called after each batch with the rows done.
	Progress func(done int)
}

// BulkResult summarises a Bulk run.
type BulkResult struct {
	Programmes, Conventions, Avenants, Lots, Logements int
	// Big is the signed convention with exactly 300 logements (the
	// récapitulatif benchmark).
	Big uuid.UUID
}

// bulkPlace is a real préfecture of a département.
type bulkPlace struct {
	ville, codePostal, codeInsee, dept, region string
}

var bulkPlaces = []bulkPlace{
	{"Paris", "75011", "75111", "75", "11"}, {"Marseille", "13013", "13055", "13", "93"},
	{"Lyon", "69003", "69383", "69", "84"}, {"Toulouse", "31000", "31555", "31", "76"},
	{"Nice", "06000", "06088", "06", "93"}, {"Nantes", "44000", "44109", "44", "52"},
	{"Strasbourg", "67000", "67482", "67", "44"}, {"Montpellier", "34000", "34172", "34", "76"},
	{"Bordeaux", "33000", "33063", "33", "75"}, {"Lille", "59000", "59350", "59", "32"},
	{"Rennes", "35000", "35238", "35", "53"}, {"Reims", "51100", "51454", "51", "44"},
	{"Saint-Étienne", "42000", "42218", "42", "84"}, {"Toulon", "83000", "83137", "83", "93"},
	{"Grenoble", "38000", "38185", "38", "84"}, {"Dijon", "21000", "21231", "21", "27"},
	{"Angers", "49000", "49007", "49", "52"}, {"Nîmes", "30000", "30189", "30", "76"},
	{"Clermont-Ferrand", "63000", "63113", "63", "84"}, {"Le Mans", "72000", "72181", "72", "52"},
	{"Amiens", "80000", "80021", "80", "32"}, {"Tours", "37000", "37261", "37", "24"},
	{"Limoges", "87000", "87085", "87", "75"}, {"Besançon", "25000", "25056", "25", "27"},
	{"Metz", "57000", "57463", "57", "44"}, {"Rouen", "76000", "76540", "76", "28"},
	{"Caen", "14000", "14118", "14", "28"}, {"Orléans", "45000", "45234", "45", "24"},
	{"Créteil", "94000", "94028", "94", "11"}, {"Nanterre", "92000", "92050", "92", "11"},
	{"Bobigny", "93000", "93008", "93", "11"}, {"Versailles", "78000", "78646", "78", "11"},
	{"Saint-Denis", "97400", "97411", "974", "04"}, {"Ajaccio", "20000", "2A004", "2A", "94"},
}

var bulkNoms = []string{"Les Tilleuls", "Les Acacias", "Le Clos des Vignes", "Les Jardins de Flore", "La Roseraie",
	"Le Parc", "Les Terrasses", "Résidence du Moulin", "Les Hauts de Seine", "Le Belvédère", "Les Chênes",
	"Cœur de Ville", "Les Coteaux", "Le Hameau", "Les Platanes", "Quai des Arts", "Le Verger", "Les Cèdres",
	"Villa Lumière", "Les Cigales", "Le Mail", "Les Lavandes", "Pasteur", "Jean Moulin", "Simone Veil",
	"Marie Curie", "Victor Hugo", "Les Bords de Loire", "Le Carré Saint-Roch", "Les Écrins"}

var bulkRues = []string{"rue de la République", "avenue Jean Jaurès", "boulevard Gambetta", "rue Victor Hugo",
	"chemin des Vignes", "rue du Général de Gaulle", "allée des Tilleuls", "rue Pasteur", "place de la Mairie"}

// bulkStatut draws a statut with the proportions of production: mostly
// signed conventions, a tail in instruction and the rarer ends.
func bulkStatut(r *rand.Rand) string {
	x := r.IntN(1000)
	switch {
	case x < 560:
		return "5. Signée"
	case x < 610:
		return "7. Publié"
	case x < 625:
		return "5. Publication en cours"
	case x < 715:
		return "1. Projet"
	case x < 795:
		return "2. Instruction requise"
	case x < 845:
		return "3. Corrections requises"
	case x < 890:
		return "4. A signer"
	case x < 950:
		return "8. Annulée en suivi"
	case x < 975:
		return "6. Résiliée"
	}
	return "7. Dénoncée"
}

// bulkLogements draws a number of logements with a long tail: most
// operations are small, a few reach 300.
func bulkLogements(r *rand.Rand) int {
	x := r.IntN(100)
	switch {
	case x < 60:
		return 1 + r.IntN(20)
	case x < 90:
		return 21 + r.IntN(40)
	case x < 99:
		return 61 + r.IntN(90)
	}
	return 151 + r.IntN(150)
}

var bulkFinancements = []string{"PLUS", "PLAI", "PLS", "PLUS", "PLAI", "PLUS_CD", "SANS_FINANCEMENT"}
var bulkNatures = []string{"LOGEMENTSORDINAIRES", "LOGEMENTSORDINAIRES", "LOGEMENTSORDINAIRES", "LOGEMENTSORDINAIRES",
	"AUTRE", "RESISDENCESOCIALE", "PENSIONSDEFAMILLE", "RESIDENCEUNIVERSITAIRE", "HEBERGEMENT"}
var bulkTypologies = []string{"T1", "T2", "T2", "T3", "T3", "T3", "T4", "T4", "T5", "T6"}

// lpmByFinancement is the loyer par m² in cents.
var lpmByFinancement = map[string]int64{"PLAI": 562, "PLUS": 631, "PLUS_CD": 631, "PLS": 948, "SANS_FINANCEMENT": 700}

type bulkIDs struct{ programme, convention, lot int64 }

// Bulk fills the database with a realistic volume of programmes,
// conventions, avenants, lots and logements for benchmarks, with COPY in
// batches: administrations (one DDT per département of bulkPlaces) and
// bailleurs are created first, rows go after the existing ones, and the
// sequences are moved past them at the end.
func Bulk(ctx context.Context, pool *pgxpool.Pool, opt BulkOptions) (BulkResult, error) {
	var res BulkResult
	if opt.Conventions <= 0 {
		return res, fmt.Errorf("le nombre de conventions doit être positif")
	}
	if opt.Batch <= 0 {
		opt.Batch = 5000
	}
	r := rand.New(rand.NewPCG(uint64(opt.Seed), 0x62756c6b))
	admins, bailleurs, err := bulkReference(ctx, pool, r)
	if err != nil {
		return res, err
	}
	var next bulkIDs
	err = pool.QueryRow(ctx, `SELECT (SELECT COALESCE(max(id), 0) + 1 FROM programmes_programme),
		(SELECT COALESCE(max(id), 0) + 1 FROM conventions_convention),
		(SELECT COALESCE(max(id), 0) + 1 FROM programmes_lot)`).Scan(&next.programme, &next.convention, &next.lot)
	if err != nil {
		return res, fmt.Errorf("lecture des identifiants : %w", err)
	}
	var bigID int64
	var typeIDs []int64
	rows, err := pool.Query(ctx, `SELECT id FROM conventions_avenanttype WHERE nom IN ('logements', 'duree', 'bailleur', 'programme', 'champ_libre') ORDER BY id`)
	if err != nil {
		return res, err
	}
	if typeIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return res, err
	}
	now := time.Now().UTC()
	seqNumero := map[string]int{}
	done := 0
	for done < opt.Conventions {
		n := min(opt.Batch, opt.Conventions-done)
		var progs, convs, lots, logs, types [][]any
		for i := 0; i < n; {
			place := bulkPlaces[r.IntN(len(bulkPlaces))]
			adm := admins[place.dept]
			bail := bailleurs[r.IntN(len(bailleurs))]
			nom := bulkNoms[r.IntN(len(bulkNoms))]
			if r.IntN(3) == 0 {
				nom += " " + bulkNoms[r.IntN(len(bulkNoms))]
			}
			created := now.Add(-time.Duration(r.Int64N(int64(8 * 365 * 24 * time.Hour))))
			numOp := fmt.Sprintf("%d-%s-%06d", created.Year(), place.dept, next.programme)
			nature := bulkNatures[r.IntN(len(bulkNatures))]
			statut := bulkStatut(r)
			nbLog := bulkLogements(r)
			if bigID == 0 {
				statut, nbLog, nature = "5. Signée", 300, "LOGEMENTSORDINAIRES"
			}
			rootProg := next.programme
			progs = append(progs, []any{rootProg, nil, "Résidence " + nom, numOp, strings.ReplaceAll(numOp, "-", ""), bail, adm,
				fmt.Sprintf("%d %s", 1+r.IntN(150), bulkRues[r.IntN(len(bulkRues))]), place.codePostal, place.ville,
				place.codeInsee, place.dept, place.region, "NEUF", nature, r.IntN(20) == 0, r.IntN(30) == 0, created, created})
			next.programme++
			conv := bulkConvention(r, next.convention, rootProg, nil, statut, place.dept, created, seqNumero)
			convs = append(convs, conv)
			if bigID == 0 {
				bigID = next.convention
			}
			rootConv := next.convention
			next.convention++
			fin := bulkFinancements[r.IntN(len(bulkFinancements))]
			lots = append(lots, []any{next.lot, rootConv, nil, fin, "COLLECTIF", nbLog, created, created})
			rootLot := next.lot
			next.lot++
			logs = appendLogements(logs, r, rootLot, fin, nbLog, created)
			res.Conventions++
			res.Lots++
			res.Logements += nbLog
			res.Programmes++
			i++
			// About one row in ten is an avenant of a signed convention.
			signed := statut == "5. Signée" || statut == "7. Publié" || statut == "5. Publication en cours"
			if signed && i < n && r.IntN(100) < 18 {
				avCreated := created.Add(time.Duration(1+r.IntN(700)) * 24 * time.Hour)
				if avCreated.After(now) {
					avCreated = now
				}
				progs = append(progs, []any{next.programme, rootProg, "Résidence " + nom, numOp, strings.ReplaceAll(numOp, "-", ""),
					bail, adm, fmt.Sprintf("%d %s", 1+r.IntN(150), bulkRues[r.IntN(len(bulkRues))]), place.codePostal,
					place.ville, place.codeInsee, place.dept, place.region, "NEUF", nature, false, false, avCreated, avCreated})
				avStatut := bulkAvenantStatut(r)
				av := bulkConvention(r, next.convention, next.programme, rootConv, avStatut, place.dept, avCreated, seqNumero)
				av[3] = nil
				if avStatut == "5. Signée" {
					av[3] = "1"
				}
				av[4] = av[3]
				convs = append(convs, av)
				types = append(types, []any{next.convention, typeIDs[r.IntN(len(typeIDs))]})
				lots = append(lots, []any{next.lot, next.convention, rootLot, fin, "COLLECTIF", nbLog, avCreated, avCreated})
				logs = appendLogements(logs, r, next.lot, fin, nbLog, avCreated)
				next.programme++
				next.convention++
				next.lot++
				res.Avenants++
				res.Lots++
				res.Logements += nbLog
				res.Programmes++
				i++
			}
		}
		if err := bulkCopy(ctx, pool, progs, convs, lots, logs, types); err != nil {
			return res, err
		}
		done += n
		if opt.Progress != nil {
			opt.Progress(done)
		}
	}
	_, err = pool.Exec(ctx, `SELECT setval(pg_get_serial_sequence('programmes_programme', 'id'), (SELECT max(id) FROM programmes_programme)),
		setval(pg_get_serial_sequence('conventions_convention', 'id'), (SELECT max(id) FROM conventions_convention)),
		setval(pg_get_serial_sequence('programmes_lot', 'id'), (SELECT max(id) FROM programmes_lot))`)
	if err != nil {
		return res, fmt.Errorf("mise à jour des séquences : %w", err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE programmes_programme, conventions_convention, programmes_lot, programmes_logement`); err != nil {
		return res, fmt.Errorf("ANALYZE : %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT uuid FROM conventions_convention WHERE id = $1`, bigID).Scan(&res.Big); err != nil {
		return res, err
	}
	return res, nil
}

func bulkAvenantStatut(r *rand.Rand) string {
	x := r.IntN(100)
	switch {
	case x < 70:
		return "5. Signée"
	case x < 80:
		return "1. Projet"
	case x < 88:
		return "2. Instruction requise"
	case x < 93:
		return "3. Corrections requises"
	}
	return "8. Annulée en suivi"
}

// bulkConvention is a conventions_convention row (columns of bulkCopy).
func bulkConvention(r *rand.Rand, id, prog int64, parent any, statut, dept string, created time.Time, seq map[string]int) []any {
	var numero, valide, signe, soumis, resil, denon any
	validated := statut != "1. Projet" && statut != "2. Instruction requise" && statut != "3. Corrections requises" && statut != "8. Annulée en suivi"
	submitted := statut != "1. Projet"
	if submitted {
		soumis = created.Add(time.Duration(1+r.IntN(60)) * 24 * time.Hour)
	}
	if validated {
		v := created.Add(time.Duration(30+r.IntN(120)) * 24 * time.Hour)
		valide = dateOf(v)
		key := fmt.Sprintf("%s.%d", dept, v.Year()%100)
		seq[key]++
		numero = fmt.Sprintf("%s.D.%d.%04d", dept, v.Year()%100, seq[key])
		if statut != "4. A signer" {
			signe = dateOf(v.Add(time.Duration(10+r.IntN(60)) * 24 * time.Hour))
		}
	}
	switch statut {
	case "6. Résiliée":
		resil = dateOf(created.AddDate(5+r.IntN(10), 0, 0))
	case "7. Dénoncée":
		denon = dateOf(created.AddDate(5+r.IntN(10), 0, 0))
	}
	var npr any
	if numero != nil {
		npr = strings.NewReplacer(".", "", "/", "", "-", "", " ", "").Replace(numero.(string))
	}
	return []any{id, prog, parent, numero, npr, statut, created, created, valide, signe, soumis, soumis, resil, denon}
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// appendLogements adds n logements with rents following §20.8: SU = SH +
// half the annexes, loyer = SU × lpm × coef rounded half up to the cent.
func appendLogements(logs [][]any, r *rand.Rand, lot int64, fin string, n int, created time.Time) [][]any {
	lpm := lpmByFinancement[fin]
	for k := 1; k <= n; k++ {
		typ := bulkTypologies[r.IntN(len(bulkTypologies))]
		sh := int64(2000+r.IntN(7000)) + int64(typ[1]-'0')*500 // cents of m²
		sa := int64(r.IntN(1200))
		su := sh + roundDiv(sa, 2)
		coef := int64(9000 + r.IntN(2001)) // ten-thousandths
		loyer := roundDiv(su*lpm*coef, 100*10000)
		logs = append(logs, []any{lot, fmt.Sprintf("%s%02d", string(rune('A'+(k-1)/99)), (k-1)%99+1), typ,
			cents(sh), cents(sa), cents(roundDiv(sa, 2)), cents(su), cents(lpm), float64(coef) / 10000, cents(loyer), k, created, created})
	}
	return logs
}

func cents(v int64) float64 { return math.Round(float64(v)) / 100 }

// bulkCopy writes one batch in one transaction.
func bulkCopy(ctx context.Context, pool *pgxpool.Pool, progs, convs, lots, logs, types [][]any) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"programmes_programme", []string{"id", "parent_id", "nom", "numero_operation", "numero_operation_pour_recherche",
			"bailleur_id", "administration_id", "adresse", "code_postal", "ville", "code_insee_commune",
			"code_insee_departement", "code_insee_region", "type_operation", "nature_logement", "anru", "anah",
			"cree_le", "mis_a_jour_le"}, progs},
		{"conventions_convention", []string{"id", "programme_id", "parent_id", "numero", "numero_pour_recherche", "statut",
			"cree_le", "mis_a_jour_le", "valide_le", "televersement_convention_signee_le", "soumis_le",
			"premiere_soumission_le", "date_resiliation", "date_denonciation"}, convs},
		{"programmes_lot", []string{"id", "convention_id", "parent_id", "financement", "type_habitat", "nb_logements",
			"cree_le", "mis_a_jour_le"}, lots},
		{"programmes_logement", []string{"lot_id", "designation", "typologie", "surface_habitable", "surface_annexes",
			"surface_annexes_retenue", "surface_utile", "loyer_par_metre_carre", "coeficient", "loyer", "import_order",
			"cree_le", "mis_a_jour_le"}, logs},
		{"conventions_convention_avenant_types", []string{"convention_id", "avenanttype_id"}, types},
	} {
		if len(c.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("COPY %s : %w", c.table, err)
		}
	}
	return tx.Commit(ctx)
}

// bulkReference creates (or reuses) one DDT per département of
// bulkPlaces and 400 bailleurs of every nature.
func bulkReference(ctx context.Context, pool *pgxpool.Pool, r *rand.Rand) (map[string]int64, []int64, error) {
	admins := map[string]int64{}
	for _, p := range bulkPlaces {
		code := "DDG" + p.dept
		var id int64
		err := pool.QueryRow(ctx, `WITH ins AS (INSERT INTO instructeurs_administration (nom, code, adresse, code_postal, ville)
				VALUES ($1, $2, 'Cité administrative', $3, $4) ON CONFLICT (code) DO NOTHING RETURNING id)
			SELECT id FROM ins UNION ALL SELECT id FROM instructeurs_administration WHERE code = $2 LIMIT 1`,
			"DDT de "+p.ville, code, p.codePostal, p.ville).Scan(&id)
		if err != nil {
			return nil, nil, fmt.Errorf("administration %s : %w", code, err)
		}
		admins[p.dept] = id
	}
	natures := []string{"HLM", "HLM", "HLM", "SEM", "Autres bailleurs sociaux non HLM", "Bailleurs privés"}
	kinds := []string{"Habitat", "Logement social", "Immobilière", "Foyers", "Résidences"}
	var bailleurs []int64
	for i := 0; i < 400; i++ {
		siren := fmt.Sprintf("9%08d", i)
		p := bulkPlaces[i%len(bulkPlaces)]
		var id int64
		err := pool.QueryRow(ctx, `WITH ins AS (INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur, ville, code_postal)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id)
			SELECT id FROM ins UNION ALL SELECT id FROM bailleurs_bailleur WHERE siren = $3 LIMIT 1`,
			fmt.Sprintf("%s %s %d", p.ville, kinds[r.IntN(len(kinds))], i+1), siren+"00017", siren,
			natures[r.IntN(len(natures))], p.ville, p.codePostal).Scan(&id)
		if err != nil {
			return nil, nil, fmt.Errorf("bailleur %s : %w", siren, err)
		}
		bailleurs = append(bailleurs, id)
	}
	return admins, bailleurs, nil
}
