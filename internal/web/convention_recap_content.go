package web

// The récapitulatif's content sections (bailleur, opération, cadastre,
// financement, lots and their tables), read through the content model
// programme.Load, each section linking to the step that edits it.

import (
	"context"
	"strings"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// loadSections reads the content and builds its sections.
func (c *conventions) loadSections(ctx context.Context, k *convention.Capability, ix *commentIndex, v *recapView) error {
	conv := k.Convention
	ct, err := programme.Load(ctx, c.s.opts.DB, conv.ID)
	if err != nil {
		return err
	}
	p, b, cv := ct.Programme, ct.Bailleur, ct.Convention
	bu, pu, cu := b.UUID, p.UUID, cv.UUID
	f := func(lbl, val, nom, champ string, obj *uuid.UUID) recapField {
		return recapField{Label: lbl, Value: orDash(val), Comment: ix.field(nom, champ, obj)}
	}
	fp := "—"
	if cv.FondPropre != nil {
		fp = fr.Amount(decimal.NewFromFloat(*cv.FondPropre))
	}
	v.Sections = []recapSection{
		{ID: "bailleur", Title: "Bailleur", Step: programme.StepBailleur, Fields: []recapField{
			f("Nom", b.Nom, "bailleur", "nom", &bu),
			f("SIRET", b.Siret, "bailleur", "siret", &bu),
			f("Adresse", strings.TrimSpace(b.Adresse+" "+b.CodePostal+" "+b.Ville), "bailleur", "adresse", &bu),
			f("Signataire", cv.SignataireNom, "convention", "signataire_nom", &cu),
			f("Fonction du signataire", cv.SignataireFonction, "convention", "signataire_fonction", &cu),
			f("Date de délibération", cv.SignataireDateDeliberation.Short(), "convention", "signataire_date_deliberation", &cu),
			f("Gestionnaire", cv.Gestionnaire, "convention", "gestionnaire", &cu),
		}},
		{ID: "operation", Title: "Opération", Step: programme.StepProgramme, Fields: []recapField{
			f("Nom de l'opération", p.Nom, "programme", "nom", &pu),
			f("Numéro d'opération", p.NumeroOperation, "programme", "numero_operation", &pu),
			f("Adresse", ct.Adresse(), "programme", "adresse", &pu),
			f("Code postal", p.CodePostal, "programme", "code_postal", &pu),
			f("Ville", p.Ville, "programme", "ville", &pu),
			f("Nature des logements", search.Label(search.NaturesLogement, p.NatureLogement), "programme", "nature_logement", &pu),
			f("Type d'opération", label(programme.TypesOperation, p.TypeOperation), "programme", "type_operation", &pu),
			f("Opération ANRU", fmtBool(p.Anru), "programme", "anru", &pu),
			f("Nombre de locaux commerciaux", fmtIntPtr(p.NbLocauxCommerciaux), "programme", "nb_locaux_commerciaux", &pu),
			f("Nombre de bureaux", fmtIntPtr(p.NbBureaux), "programme", "nb_bureaux", &pu),
			f("Administration", p.AdministrationNom, "programme", "administration", &pu),
		}},
		{ID: "cadastre", Title: "Cadastre et foncier", Step: programme.StepCadastre, Fields: []recapField{
			f("Permis de construire", p.PermisConstruire, "programme", "permis_construire", &pu),
			f("Date d'achat", p.DateAchat.Short(), "programme", "date_achat", &pu),
			f("Date d'achèvement prévisible", p.DateAchevementPrevisible.Short(), "programme", "date_achevement_previsible", &pu),
			f("Date d'achèvement", p.DateAchevement.Short(), "programme", "date_achevement", &pu),
			f("Vendeur", p.Vendeur.Text, "programme", "vendeur", &pu),
			f("Acquéreur", p.Acquereur.Text, "programme", "acquereur", &pu),
			f("Date de l'acte notarié", p.DateActeNotarie.Short(), "programme", "date_acte_notarie", &pu),
			f("Référence du notaire", p.ReferenceNotaire.Text, "programme", "reference_notaire", &pu),
			f("Référence de publication de l'acte", p.ReferencePublicationActe.Text, "programme", "reference_publication_acte", &pu),
		}},
		{ID: "financement", Title: "Financement", Step: programme.StepFinancement, Fields: []recapField{
			f("Date de fin de conventionnement", cv.DateFinConventionnement.Long(), "convention", "date_fin_conventionnement", &cu),
			f("Fonds propres", fp, "convention", "fond_propre", &cu),
		}},
		{ID: "commentaires", Title: "Commentaires", Step: programme.StepCommentaires, Fields: []recapField{
			f("Commentaires à l'attention de l'instructeur", cv.Commentaires.Text, "convention", "commentaires", &cu),
		}},
	}
	if cv.IsAvenant() {
		v.Sections = append(v.Sections, recapSection{ID: "champ-libre", Title: "Champ libre de l'avenant", Step: programme.StepChampLibre,
			Fields: []recapField{f("Champ libre", cv.ChampLibreAvenant, "convention", "champ_libre_avenant", &cu)}})
	}
	for i := range v.Sections {
		v.Sections[i].EditURL = editLink(k, ct, v.Sections[i].Step, v.Sections[i].Fields)
	}
	for _, r := range ct.ReferencesCadastrales {
		v.Cadastre = append(v.Cadastre, cadastreRow{Section: r.Section, Numero: r.Numero, Lieudit: r.Lieudit, Surface: r.Surface})
	}
	v.CadastreComment = ix.field("reference_cadastrale", "reference_cadastrale", &pu)
	v.Lots = make([]lotView, len(ct.Lots))
	for i, l := range ct.Lots {
		v.Lots[i] = lotViewOf(k, ct, ix, l)
	}
	return nil
}

// lotViewOf is one lot of the récapitulatif, with its tables.
func lotViewOf(k *convention.Capability, ct *programme.Content, ix *commentIndex, l programme.Lot) lotView {
	lu := l.UUID
	lv := lotView{UUID: lu.String(), Financement: search.Label(search.Financements, l.Financement),
		TypeHabitat: label(programme.TypesHabitat, l.TypeHabitat), NbLogements: fmtIntPtr(l.NbLogements)}
	lv.Fields = []recapField{
		{Label: "Financement", Value: lv.Financement, Comment: ix.field("lot", "financement", &lu)},
		{Label: "Nombre de logements", Value: lv.NbLogements, Comment: ix.field("lot", "nb_logements", &lu)},
		{Label: "Type d'habitat", Value: lv.TypeHabitat, Comment: ix.field("lot", "type_habitat", &lu)},
		{Label: "Loyer dérogatoire", Value: fmtAmount(l.LoyerDerogatoire), Comment: ix.field("lot", "loyer_derogatoire", &lu)},
		{Label: "Surface habitable totale", Value: fmtSurface(l.SurfaceHabitableTotale), Comment: ix.field("lot", "surface_habitable_totale", &lu)},
	}
	lv.LogComment = ix.field("logement", "logements", &lu)
	lv.AnnexeComment = ix.field("annexe", "annexes", &lu)
	lv.StatComment = ix.field("type_stationnement", "type_stationnements", &lu)
	lv.LocalComment = ix.field("locaux_collectifs", "locaux_collectifs", &lu)
	lv.PretComment = ix.field("pret", "prets", &lu)
	for _, s := range []programme.Step{programme.StepFinancement, programme.StepLogements, programme.StepFoyerResidenceLogements,
		programme.StepAnnexes, programme.StepStationnements, programme.StepCollectif} {
		if u := editLink(k, ct, s, lv.Fields); u != "" {
			lv.Edit = append(lv.Edit, stepItem{Label: s.Label(), URL: u})
		}
	}

	var sh, sa, sar, su, loyer decimal.Decimal
	for _, lg := range l.Logements {
		lv.Logements = append(lv.Logements, logementRow{Designation: lg.Designation, Typologie: lg.Typologie,
			SH: fmtSurface(lg.SurfaceHabitable), SA: fmtSurface(lg.SurfaceAnnexes), SAR: fmtSurface(lg.SurfaceAnnexesRetenue),
			SU: fmtSurface(lg.SurfaceUtile), LoyerM2: fmtAmount(lg.LoyerParMetreCarre), Coef: fmtNumber(lg.Coeficient, 4), Loyer: fmtAmount(lg.Loyer)})
		sh, sa, sar = sh.Add(lg.SurfaceHabitable.Decimal), sa.Add(lg.SurfaceAnnexes.Decimal), sar.Add(lg.SurfaceAnnexesRetenue.Decimal)
		su, loyer = su.Add(lg.SurfaceUtile.Decimal), loyer.Add(lg.Loyer.Decimal)
		for _, a := range lg.Annexes {
			lv.Annexes = append(lv.Annexes, annexeRow{Logement: lg.Designation, Typologie: label(programme.TypologiesAnnexe, a.Typologie),
				Surface: fr.Surface(a.SurfaceHorsSurfaceRetenue), LoyerM2: fr.Amount(a.LoyerParMetreCarre), Loyer: fr.Amount(a.Loyer)})
		}
	}
	lv.Totals = logementRow{Designation: "Total", SH: fr.Surface(sh), SA: fr.Surface(sa), SAR: fr.Surface(sar), SU: fr.Surface(su), Loyer: fr.Amount(loyer)}
	for _, s := range l.Stationnements {
		lv.Stationnement = append(lv.Stationnement, stationnementRow{Typologie: label(programme.TypologiesStationnement, s.Typologie),
			Nombre: fr.Int(int64(s.NbStationnements)), Loyer: fr.Amount(s.Loyer)})
	}
	for _, lc := range l.LocauxCollectifs {
		lv.Locaux = append(lv.Locaux, localRow{Type: lc.TypeLocal, Surface: fr.Surface(lc.SurfaceHabitable), Nombre: fr.Int(int64(lc.Nombre))})
	}
	for _, pr := range l.Prets {
		d := "—"
		if pr.Duree != nil {
			d = fr.Int(int64(*pr.Duree)) + " ans"
		}
		lv.Prets = append(lv.Prets, pretRow{Preteur: preteurLabel(pr), DateOctroi: orDash(pr.DateOctroi.Short()), Numero: orDash(pr.Numero),
			Duree: d, Montant: fr.Amount(pr.Montant)})
	}
	return lv
}

func preteurLabel(p programme.Pret) string {
	if p.Preteur == "AUTRE" && p.Autre != "" {
		return p.Autre
	}
	return label(programme.Preteurs, p.Preteur)
}

// editLink is the page of a step when it belongs to the convention (an
// avenant: when its type is ticked) and the user may change it now (the
// whole form, or one of the section's commented fields).
func editLink(k *convention.Capability, ct *programme.Content, s programme.Step, fields []recapField) string {
	avenant := ct.Convention.IsAvenant()
	if !programme.HasStep(ct, s) || avenant && !ct.Convention.HasType(s.AvenantType()) {
		return ""
	}
	ok := k.Editable()
	for _, f := range fields {
		ok = ok || f.Comment.Key != "" && k.CanEditField(f.Comment.Key)
	}
	if !ok {
		return ""
	}
	return stepURL(s, avenant, k.Convention.UUID.String())
}

func fmtIntPtr(n *int) string {
	if n == nil {
		return "—"
	}
	return fr.Int(int64(*n))
}
