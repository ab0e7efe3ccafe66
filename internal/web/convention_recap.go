package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// recapView is the récapitulatif (/conventions/recapitulatif/<uuid>):
// every section of the convention, the open comments, the history and
// the actions the user may take now.
type recapView struct {
	Page
	Flashes  []flash
	H        conventionHeader
	Banner   string // PROJET notice or signed line
	Sections []recapSection
	Lots     []lotView
	Cadastre []cadastreRow
	// CadastreComment is the widget of the cadastral table.
	CadastreComment commentField
	OpenComments    comment.Summary
	OpenRows        []openCommentRow
	ShowOpen        bool
	History         []historyRow
	Actions         recapActions
	AvenantTypes    []avenantTypeToggle
	// ConfirmUncheck is the avenant type awaiting confirmation of its
	// removal ("" when none).
	ConfirmUncheck      string
	ConfirmUncheckLabel string
}

type recapSection struct {
	ID     string
	Title  string
	Fields []recapField
}

type recapField struct {
	Label   string
	Value   string
	Comment commentField
}

type lotView struct {
	UUID          string
	Financement   string
	TypeHabitat   string
	NbLogements   string
	Fields        []recapField
	Logements     []logementRow
	Totals        logementRow
	Annexes       []annexeRow
	Stationnement []stationnementRow
	Locaux        []localRow
	Prets         []pretRow
	LogComment    commentField
	AnnexeComment commentField
	StatComment   commentField
	LocalComment  commentField
	PretComment   commentField
}

type logementRow struct {
	Designation, Typologie, SH, SA, SAR, SU, LoyerM2, Coef, Loyer string
}

type annexeRow struct{ Logement, Typologie, Surface, LoyerM2, Loyer string }
type stationnementRow struct{ Typologie, Nombre, Loyer string }
type localRow struct{ Type, Surface, Nombre string }
type pretRow struct{ Preteur, DateOctroi, Numero, Duree, Montant string }
type cadastreRow struct{ Section, Numero, Lieudit, Surface string }

type openCommentRow struct{ Label, Message, Author, Date, Anchor string }

type historyRow struct{ Date, From, To, User, Comment string }

// recapActions are the action blocks of the récapitulatif; each one is
// shown only when the domain says the user may take it now.
type recapActions struct {
	Submit               bool
	SubmitDisabledReason string
	RequestCorrections   bool
	CorrectionsLabel     string
	Resubmit             bool
	ResubmitLabel        string
	Validate             bool
	ValidateError        string // a precondition refusal to show beside the form
	ProposedNumero       string
	NumeroHint           string
	ValidateDenonciation bool
	ValidateResiliation  bool
	ResiliationError     string
	BackToInstruction    bool
	Sign                 bool // link to the signed-document deposit
	Cancel               bool
	Reactivate           bool
	Delete               bool
	Type1and2            *type1and2Form
}

type type1and2Form struct {
	Value    string
	Editable bool
}

type avenantTypeToggle struct {
	Nom, Label, Desc string
	Checked          bool
	Editable         bool
}

// conventionFor loads the convention of the route.
func (c *conventions) conventionFor(r *http.Request) (*convention.Convention, error) {
	_, id := ref(r)
	return convention.Load(r.Context(), c.s.opts.DB, id)
}

func (c *conventions) recap(w http.ResponseWriter, r *http.Request) {
	v, err := c.buildRecap(r, r.URL.Query().Get("confirmer_retrait"))
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.s.render(w, r, http.StatusOK, "convention_recap", v)
}

// buildRecap reads the convention and prepares the page.
func (c *conventions) buildRecap(r *http.Request, confirm string) (*recapView, error) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	conv, err := c.conventionFor(r)
	if err != nil {
		return nil, err
	}
	q := c.s.opts.DB
	id := conv.UUID.String()
	v := &recapView{Page: c.s.page(r, "Récapitulatif"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub)}
	v.Title = v.H.Title + " — récapitulatif"
	ix, err := newCommentIndex(ctx, q, conv, sub, recapURL(id))
	if err != nil {
		return nil, err
	}
	if err := c.loadSections(ctx, conv, ix, v); err != nil {
		return nil, err
	}
	switch {
	case conv.Statut == convention.Projet:
		v.Banner = "Le document de convention n'est pas encore soumis à l'instruction : le bailleur peut encore le modifier."
	case conv.Statut.IsCompleted() && conv.TeleversementSigneeLe != nil:
		v.Banner = fmt.Sprintf("%s %s signé%s le %s.", strings.ToUpper(conv.Kind()[:1])+conv.Kind()[1:],
			numeroOr(conv.Numero, ""), accordOf(conv), fr.DateLong(*conv.TeleversementSigneeLe))
	}
	if conv.Statut.In(convention.Instruction, convention.Correction) {
		v.ShowOpen = true
		if v.OpenComments, err = comment.OpenSummary(ctx, q, conv.ID); err != nil {
			return nil, err
		}
		for _, cm := range v.OpenComments.Comments {
			v.OpenRows = append(v.OpenRows, openCommentRow{Label: cm.Label(), Message: cm.Message, Author: cm.UserName,
				Date: fr.DateTime(cm.CreeLe), Anchor: "#commentaire-" + cm.Key.String()})
		}
	}
	hist, err := convention.History(ctx, q, conv.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		v.History = append(v.History, historyRow{Date: fr.DateTime(h.CreeLe), From: h.StatutPrecedent.NeutralLabel(),
			To: h.Statut.NeutralLabel(), User: orDash(h.UserName), Comment: h.Commentaire})
	}
	if err := c.recapActions(ctx, conv, sub, v); err != nil {
		return nil, err
	}
	if conv.IsAvenant() {
		if err := c.avenantToggles(ctx, conv, sub, v); err != nil {
			return nil, err
		}
		if confirm != "" && conv.HasType(confirm) {
			v.ConfirmUncheck, v.ConfirmUncheckLabel = confirm, label(programme.AvenantTypes, confirm)
		}
	}
	return v, nil
}

func accordOf(c *convention.Convention) string {
	if c.Kind() == "avenant" {
		return ""
	}
	return "e"
}

// recapActions asks the domain which transitions the user may take now.
func (c *conventions) recapActions(ctx context.Context, conv *convention.Convention, sub *access.Subject, v *recapView) error {
	q := c.s.opts.DB
	allowed, err := convention.Allowed(ctx, q, sub, conv)
	if err != nil {
		return err
	}
	has := func(a convention.Action) bool { return slices.Contains(allowed, a) }
	a := &v.Actions
	a.Submit = has(convention.ActionSubmit)
	if !a.Submit && conv.Statut == convention.Projet && sub.BailleurSide() {
		if err := convention.Check(ctx, q, sub, conv, convention.ActionSubmit); err != nil {
			if ref, ok := convention.AsRefusal(err); ok && ref.Reason == convention.ReasonPrecondition {
				a.SubmitDisabledReason = ref.Message
			}
		}
	}
	a.RequestCorrections = has(convention.ActionRequestCorrections)
	a.CorrectionsLabel = "Demander des corrections au bailleur"
	if conv.Statut == convention.Correction {
		a.CorrectionsLabel = "Notifier le bailleur"
	}
	a.Resubmit = has(convention.ActionResubmit)
	a.ResubmitLabel = "Renvoyer à l'instruction"
	if conv.Statut == convention.Instruction {
		a.ResubmitLabel = "Notifier l'instructeur"
	}
	a.Validate = has(convention.ActionValidate)
	if !a.Validate && sub.InstructeurSide() && conv.Statut.In(convention.Instruction, convention.Correction) && !conv.IsDenonciation() && !conv.IsResiliation() {
		// Show why the validation is not possible yet.
		if err := convention.Check(ctx, q, sub, conv, convention.ActionValidate); err != nil {
			if ref, ok := convention.AsRefusal(err); ok && ref.Reason == convention.ReasonPrecondition {
				a.ValidateError = ref.Message
			}
		}
	}
	if a.Validate {
		if a.ProposedNumero, err = convention.ProposeNumero(ctx, q, conv); err != nil {
			return err
		}
		if conv.IsAvenant() {
			a.NumeroHint = "Numéro proposé : le rang de cet avenant parmi les avenants validés de la convention."
		} else {
			a.NumeroHint = "Numéro proposé : département, administration, année et numéro d'ordre des conventions validées cette année."
		}
	}
	a.ValidateDenonciation = has(convention.ActionValidateDenonciation)
	a.ValidateResiliation = has(convention.ActionValidateResiliation)
	if !a.ValidateResiliation && conv.IsResiliation() && sub.InstructeurSide() && conv.Statut.In(convention.Instruction, convention.Correction) {
		if err := convention.Check(ctx, q, sub, conv, convention.ActionValidateResiliation); err != nil {
			if ref, ok := convention.AsRefusal(err); ok {
				a.ResiliationError = ref.Message
			}
		}
	}
	a.BackToInstruction = has(convention.ActionBackToInstruction)
	a.Sign = has(convention.ActionSign)
	a.Cancel = has(convention.ActionCancel)
	a.Reactivate = has(convention.ActionReactivate)
	a.Delete = has(convention.ActionDelete)
	if conv.NeedsType1and2() {
		a.Type1and2 = &type1and2Form{Value: conv.Type1and2,
			Editable: access.ConventionEditable(sub, string(conv.Statut)) && conv.Statut.In(convention.OngoingAvenantStatuts...)}
	}
	return nil
}

// avenantToggles lists the avenant types with their state.
func (c *conventions) avenantToggles(ctx context.Context, conv *convention.Convention, sub *access.Subject, v *recapView) error {
	rows, err := c.s.opts.DB.Query(ctx, `SELECT nom, COALESCE("desc", '') FROM conventions_avenanttype
		WHERE nom NOT IN ('denonciation', 'resiliation') ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	editable := (conv.Statut.In(convention.OngoingAvenantStatuts...) || (sub.Expert && sub.InstructeurSide() && conv.Statut.IsCompleted())) &&
		access.Can(sub, access.ChangeConvention) && !sub.ReadOnly()
	for rows.Next() {
		var t avenantTypeToggle
		if err := rows.Scan(&t.Nom, &t.Desc); err != nil {
			return err
		}
		t.Label = label(programme.AvenantTypes, t.Nom)
		t.Checked = conv.HasType(t.Nom)
		t.Editable = editable && !conv.IsDenonciation() && !conv.IsResiliation()
		v.AvenantTypes = append(v.AvenantTypes, t)
	}
	return rows.Err()
}

// loadSections reads the programme, bailleur, lots and their tables.
func (c *conventions) loadSections(ctx context.Context, conv *convention.Convention, ix *commentIndex, v *recapView) error {
	q := c.s.opts.DB
	var (
		bSiret, bAdresse, bCP, bVille                                    string
		signNom, signFonction, gest, commentaires, champLibre, adresseCv string
		signDate, dateFin                                                *time.Time
		fondPropre                                                       *float64
		bUUID                                                            uuid.UUID
		pAdresse, pCP, pVille, pTypeOp, pPermis, pVendeur, pAcquereur    string
		pRefNotaire, pRefPub                                             string
		pAnru                                                            bool
		pLocaux, pBureaux                                                *int64
		pAchat, pAchevPrev, pAchev, pActe                                *time.Time
	)
	err := q.QueryRow(ctx, `SELECT b.uuid, b.siret, COALESCE(b.adresse, ''), COALESCE(b.code_postal, ''), COALESCE(b.ville, ''),
		COALESCE(c.signataire_nom, ''), COALESCE(c.signataire_fonction, ''), c.signataire_date_deliberation, COALESCE(c.gestionnaire, ''),
		COALESCE(c.commentaires, ''), COALESCE(c.champ_libre_avenant, ''), COALESCE(c.adresse, ''), c.date_fin_conventionnement, c.fond_propre,
		p.adresse, p.code_postal, p.ville, p.type_operation, p.permis_construire, p.vendeur, p.acquereur,
		p.reference_notaire, p.reference_publication_acte, p.anru, p.nb_locaux_commerciaux::int8, p.nb_bureaux::int8,
		p.date_achat, p.date_achevement_previsible, p.date_achevement, p.date_acte_notarie
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		JOIN bailleurs_bailleur b ON b.id = p.bailleur_id WHERE c.id = $1`, conv.ID).Scan(
		&bUUID, &bSiret, &bAdresse, &bCP, &bVille, &signNom, &signFonction, &signDate, &gest,
		&commentaires, &champLibre, &adresseCv, &dateFin, &fondPropre,
		&pAdresse, &pCP, &pVille, &pTypeOp, &pPermis, &pVendeur, &pAcquereur, &pRefNotaire, &pRefPub, &pAnru,
		&pLocaux, &pBureaux, &pAchat, &pAchevPrev, &pAchev, &pActe)
	if err != nil {
		return fmt.Errorf("lecture du récapitulatif : %w", err)
	}
	bu, pu, cu := bUUID, conv.ProgrammeUUID, conv.UUID
	f := func(lbl, val, nom, champ string, obj *uuid.UUID) recapField {
		return recapField{Label: lbl, Value: orDash(val), Comment: ix.field(nom, champ, obj)}
	}
	adresse := strings.TrimSpace(pAdresse)
	if adresse == "" {
		adresse = adresseCv
	}
	fp := "—"
	if fondPropre != nil {
		fp = fr.Amount(decimal.NewFromFloat(*fondPropre))
	}
	v.Sections = []recapSection{
		{ID: "bailleur", Title: "Bailleur", Fields: []recapField{
			f("Nom", conv.BailleurNom, "bailleur", "nom", &bu),
			f("SIRET", bSiret, "bailleur", "siret", &bu),
			f("Adresse", strings.TrimSpace(bAdresse+" "+bCP+" "+bVille), "bailleur", "adresse", &bu),
			f("Signataire", signNom, "convention", "signataire_nom", &cu),
			f("Fonction du signataire", signFonction, "convention", "signataire_fonction", &cu),
			f("Date de délibération", fmtDate(signDate), "convention", "signataire_date_deliberation", &cu),
			f("Gestionnaire", gest, "convention", "gestionnaire", &cu),
		}},
		{ID: "operation", Title: "Opération", Fields: []recapField{
			f("Nom de l'opération", conv.ProgrammeNom, "programme", "nom", &pu),
			f("Numéro d'opération", conv.NumeroOperation, "programme", "numero_operation", &pu),
			f("Adresse", adresse, "programme", "adresse", &pu),
			f("Code postal", pCP, "programme", "code_postal", &pu),
			f("Ville", pVille, "programme", "ville", &pu),
			f("Nature des logements", search.Label(search.NaturesLogement, conv.NatureLogement), "programme", "nature_logement", &pu),
			f("Type d'opération", label(programme.TypesOperation, pTypeOp), "programme", "type_operation", &pu),
			f("Opération ANRU", fmtBool(pAnru), "programme", "anru", &pu),
			f("Nombre de locaux commerciaux", fmtInt(pLocaux), "programme", "nb_locaux_commerciaux", &pu),
			f("Nombre de bureaux", fmtInt(pBureaux), "programme", "nb_bureaux", &pu),
			f("Administration", conv.AdministrationNom, "programme", "administration", &pu),
		}},
		{ID: "cadastre", Title: "Cadastre et foncier", Fields: []recapField{
			f("Permis de construire", pPermis, "programme", "permis_construire", &pu),
			f("Date d'achat", fmtDate(pAchat), "programme", "date_achat", &pu),
			f("Date d'achèvement prévisible", fmtDate(pAchevPrev), "programme", "date_achevement_previsible", &pu),
			f("Date d'achèvement", fmtDate(pAchev), "programme", "date_achevement", &pu),
			f("Vendeur", textOf(pVendeur), "programme", "vendeur", &pu),
			f("Acquéreur", textOf(pAcquereur), "programme", "acquereur", &pu),
			f("Date de l'acte notarié", fmtDate(pActe), "programme", "date_acte_notarie", &pu),
			f("Référence du notaire", textOf(pRefNotaire), "programme", "reference_notaire", &pu),
			f("Référence de publication de l'acte", textOf(pRefPub), "programme", "reference_publication_acte", &pu),
		}},
		{ID: "financement", Title: "Financement", Fields: []recapField{
			f("Date de fin de conventionnement", fmtDateLong(dateFin), "convention", "date_fin_conventionnement", &cu),
			f("Fonds propres", fp, "convention", "fond_propre", &cu),
		}},
		{ID: "commentaires", Title: "Commentaires", Fields: []recapField{
			f("Commentaires à l'attention de l'instructeur", textOf(commentaires), "convention", "commentaires", &cu),
		}},
	}
	if conv.IsAvenant() {
		v.Sections = append(v.Sections, recapSection{ID: "champ-libre", Title: "Champ libre de l'avenant", Fields: []recapField{
			f("Champ libre", champLibre, "convention", "champ_libre_avenant", &cu)}})
	}

	rows, err := q.Query(ctx, `SELECT section, numero, lieudit, surface FROM programmes_referencecadastrale
		WHERE programme_id = $1 ORDER BY id`, conv.ProgrammeID)
	if err != nil {
		return err
	}
	if v.Cadastre, err = pgx.CollectRows(rows, pgx.RowToStructByPos[cadastreRow]); err != nil {
		return err
	}
	v.CadastreComment = ix.field("reference_cadastrale", "reference_cadastrale", &pu)
	return c.loadLots(ctx, conv, ix, v)
}

// loadLots reads the lots and, in one query per table, their logements,
// annexes, stationnements, locaux collectifs and prêts.
func (c *conventions) loadLots(ctx context.Context, conv *convention.Convention, ix *commentIndex, v *recapView) error {
	q := c.s.opts.DB
	rows, err := q.Query(ctx, `SELECT id, uuid, financement, type_habitat, nb_logements::int8, loyer_derogatoire, surface_habitable_totale
		FROM programmes_lot WHERE convention_id = $1 ORDER BY id`, conv.ID)
	if err != nil {
		return err
	}
	type lotRow struct {
		id  int64
		u   uuid.UUID
		fin string
		th  string
		nb  *int64
		ld  decimal.NullDecimal
		sht decimal.NullDecimal
	}
	var lots []lotRow
	idx := map[int64]int{}
	for rows.Next() {
		var l lotRow
		if err := rows.Scan(&l.id, &l.u, &l.fin, &l.th, &l.nb, &l.ld, &l.sht); err != nil {
			rows.Close()
			return err
		}
		idx[l.id] = len(lots)
		lots = append(lots, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	ids := make([]int64, len(lots))
	v.Lots = make([]lotView, len(lots))
	for i, l := range lots {
		ids[i] = l.id
		lu := l.u
		lv := &v.Lots[i]
		lv.UUID = l.u.String()
		lv.Financement = search.Label(search.Financements, l.fin)
		lv.TypeHabitat = label(programme.TypesHabitat, l.th)
		lv.NbLogements = fmtInt(l.nb)
		lv.Fields = []recapField{
			{Label: "Financement", Value: lv.Financement, Comment: ix.field("lot", "financement", &lu)},
			{Label: "Nombre de logements", Value: lv.NbLogements, Comment: ix.field("lot", "nb_logements", &lu)},
			{Label: "Type d'habitat", Value: lv.TypeHabitat, Comment: ix.field("lot", "type_habitat", &lu)},
			{Label: "Loyer dérogatoire", Value: fmtAmount(l.ld), Comment: ix.field("lot", "loyer_derogatoire", &lu)},
			{Label: "Surface habitable totale", Value: fmtSurface(l.sht), Comment: ix.field("lot", "surface_habitable_totale", &lu)},
		}
		lv.LogComment = ix.field("logement", "logements", &lu)
		lv.AnnexeComment = ix.field("annexe", "annexes", &lu)
		lv.StatComment = ix.field("type_stationnement", "type_stationnements", &lu)
		lv.LocalComment = ix.field("locaux_collectifs", "locaux_collectifs", &lu)
		lv.PretComment = ix.field("pret", "prets", &lu)
	}
	if len(ids) == 0 {
		return nil
	}

	// Logements, with the totals of the surfaces and rents.
	rows, err = q.Query(ctx, `SELECT lot_id, designation, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
		surface_utile, loyer_par_metre_carre, coeficient, loyer
		FROM programmes_logement WHERE lot_id = ANY($1) ORDER BY lot_id, import_order NULLS LAST, id`, ids)
	if err != nil {
		return err
	}
	type sums struct{ sh, sa, sar, su, loyer decimal.Decimal }
	totals := make([]sums, len(lots))
	for rows.Next() {
		var lot int64
		var des, typ string
		var sh, sa, sar, su, lpm, coef, loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &des, &typ, &sh, &sa, &sar, &su, &lpm, &coef, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Logements = append(v.Lots[i].Logements, logementRow{Designation: des, Typologie: typ,
			SH: fmtSurface(sh), SA: fmtSurface(sa), SAR: fmtSurface(sar), SU: fmtSurface(su),
			LoyerM2: fmtAmount(lpm), Coef: fmtNumber(coef, 4), Loyer: fmtAmount(loyer)})
		t := &totals[i]
		t.sh, t.sa, t.sar = t.sh.Add(sh.Decimal), t.sa.Add(sa.Decimal), t.sar.Add(sar.Decimal)
		t.su, t.loyer = t.su.Add(su.Decimal), t.loyer.Add(loyer.Decimal)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, t := range totals {
		v.Lots[i].Totals = logementRow{Designation: "Total", SH: fr.Surface(t.sh), SA: fr.Surface(t.sa),
			SAR: fr.Surface(t.sar), SU: fr.Surface(t.su), Loyer: fr.Amount(t.loyer)}
	}

	rows, err = q.Query(ctx, `SELECT lg.lot_id, lg.designation, a.typologie, a.surface_hors_surface_retenue, a.loyer_par_metre_carre, a.loyer
		FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id
		WHERE lg.lot_id = ANY($1) ORDER BY lg.lot_id, lg.import_order NULLS LAST, lg.id, a.id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var des, typ string
		var surf, lpm, loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &des, &typ, &surf, &lpm, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Annexes = append(v.Lots[i].Annexes, annexeRow{Logement: des, Typologie: label(programme.TypologiesAnnexe, typ),
			Surface: fmtSurface(surf), LoyerM2: fmtAmount(lpm), Loyer: fmtAmount(loyer)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, typologie, nb_stationnements::int8, loyer FROM programmes_typestationnement
		WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot, n int64
		var typ string
		var loyer decimal.NullDecimal
		if err := rows.Scan(&lot, &typ, &n, &loyer); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Stationnement = append(v.Lots[i].Stationnement, stationnementRow{Typologie: label(programme.TypologiesStationnement, typ),
			Nombre: fr.Int(n), Loyer: fmtAmount(loyer)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, type_local, surface_habitable, nombre::int8 FROM programmes_locauxcollectifs
		WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot, n int64
		var typ string
		var surf decimal.NullDecimal
		if err := rows.Scan(&lot, &typ, &surf, &n); err != nil {
			rows.Close()
			return err
		}
		i := idx[lot]
		v.Lots[i].Locaux = append(v.Lots[i].Locaux, localRow{Type: typ, Surface: fmtSurface(surf), Nombre: fr.Int(n)})
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = q.Query(ctx, `SELECT lot_id, preteur, COALESCE(autre, ''), date_octroi, COALESCE(numero, ''), duree::int8, montant
		FROM conventions_pret WHERE lot_id = ANY($1) ORDER BY lot_id, id`, ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var lot int64
		var preteur, autre, numero string
		var date *time.Time
		var duree *int64
		var montant decimal.NullDecimal
		if err := rows.Scan(&lot, &preteur, &autre, &date, &numero, &duree, &montant); err != nil {
			rows.Close()
			return err
		}
		p := label(programme.Preteurs, preteur)
		if preteur == "AUTRE" && autre != "" {
			p = autre
		}
		d := "—"
		if duree != nil {
			d = fr.Int(*duree) + " ans"
		}
		i := idx[lot]
		v.Lots[i].Prets = append(v.Lots[i].Prets, pretRow{Preteur: p, DateOctroi: fmtDate(date), Numero: orDash(numero),
			Duree: d, Montant: fmtAmount(montant)})
	}
	return rows.Err()
}

// recapPost handles the récapitulatif's own forms: cancel (T11),
// reactivate (T12), the Type I/II choice, and the first step of removing
// an avenant type (confirmation).
func (c *conventions) recapPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "formulaire illisible", http.StatusBadRequest)
		return
	}
	switch {
	case r.PostForm.Has("cancel_convention"):
		var res *convention.Result
		err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.Cancel(ctx, tx, sub, id); return })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, capitalFirst(kindArticle(res.Convention))+" a été annulé"+accordOf(res.Convention)+".")
		}
	case r.PostForm.Has("reactive_convention"):
		var res *convention.Result
		err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.Reactivate(ctx, tx, sub, id); return })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, capitalFirst(kindArticle(res.Convention))+" a été réactivé"+accordOf(res.Convention)+" : statut « En projet ».")
		}
	case r.PostForm.Has("uncheck_avenant_type"):
		http.Redirect(w, r, back+"?confirmer_retrait="+url.QueryEscape(r.PostForm.Get("uncheck_avenant_type"))+"#types-avenant", http.StatusSeeOther)
	case r.PostForm.Has("type1and2"):
		err := c.tx(ctx, func(tx pgx.Tx) error { return c.saveType1and2(ctx, tx, sub, id, r) })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, "Le type de convention a été enregistré.")
		}
	default:
		c.s.addFlash(ctx, flashError, "Action inconnue : rechargez la page et recommencez.")
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// saveType1and2 records the Type I / Type II choice and its options
// (editable in PROJET, INSTRUCTION and CORRECTION by whoever may edit the
// convention).
func (c *conventions) saveType1and2(ctx context.Context, tx pgx.Tx, sub *access.Subject, id uuid.UUID, r *http.Request) error {
	conv, err := convention.Load(ctx, tx, id)
	if err != nil {
		return err
	}
	if !conv.NeedsType1and2() {
		return &convention.Refusal{Reason: convention.ReasonPrecondition, Message: "Le choix Type I / Type II ne concerne pas cette convention."}
	}
	if !access.ConventionEditable(sub, string(conv.Statut)) || !conv.Statut.In(convention.OngoingAvenantStatuts...) {
		return &convention.Refusal{Reason: convention.ReasonStatut, Message: "Le type de convention ne peut plus être modifié à ce statut."}
	}
	val := r.PostForm.Get("type1and2")
	var stored any
	switch val {
	case "Type1", "Type2":
		stored = val
	case "":
	default:
		return &convention.Refusal{Reason: convention.ReasonInput, Field: "type1and2", Message: "Type de convention : choisissez Type I ou Type II."}
	}
	opts := make([]bool, 8)
	for i := range opts {
		opts[i] = r.PostForm.Has(fmt.Sprintf("type2_lgts_concernes_option%d", i+1))
	}
	_, err = tx.Exec(ctx, `UPDATE conventions_convention SET type1and2 = $2,
		type2_lgts_concernes_option1 = $3, type2_lgts_concernes_option2 = $4, type2_lgts_concernes_option3 = $5,
		type2_lgts_concernes_option4 = $6, type2_lgts_concernes_option5 = $7, type2_lgts_concernes_option6 = $8,
		type2_lgts_concernes_option7 = $9, type2_lgts_concernes_option8 = $10 WHERE id = $1`,
		conv.ID, stored, opts[0], opts[1], opts[2], opts[3], opts[4], opts[5], opts[6], opts[7])
	return err
}

// kindArticle is "la convention", "l'avenant"...
func kindArticle(c *convention.Convention) string {
	if c == nil {
		return "la convention"
	}
	switch c.Kind() {
	case "avenant":
		return "l'avenant"
	case "dénonciation":
		return "la dénonciation"
	case "résiliation":
		return "la résiliation"
	}
	return "la convention"
}

func capitalFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
