// Package document produces the Word document of a convention (spec
// workflows §6): the convention itself, its avenant, dénonciation or
// résiliation, and the fiche CAF.
//
//	doc, err := document.Build(ctx, q, conventionID, document.WithStorage(st))
//	// doc.Name is the file name without extension, doc.Docx the .docx bytes
//	caf, err := document.BuildFicheCAF(ctx, q, conventionID)
//
// Build returns the convention's uploaded CERFA as is when it has one
// (fichier_override_cerfa, §6.2; Document.Override), else renders the
// template chosen by TemplateFor (§6.1: avenant, seconde vie, foyer,
// résidence, HLM, SEM, Type I or II) with internal/docx. Errors: ErrNotFound,
// or *Error with a French message the user can act on (type I/II not
// chosen, unreadable image, template error naming the tag).
//
// # Context
//
// The context (§6.3) exposes, under the reference's names, convention,
// bailleur, programme, lot and lots, administration (with
// get_ville_signature_or_empty() and nb_convention_exemplaires), logements,
// logements_sans_loyer, logements_corrigee, logements_corrigee_sans_loyer,
// annexes, stationnements, locaux_collectifs, prets, prets_cdc,
// autres_prets, references_cadastrales, logement_edds and lot_num, the
// totals (sh_totale, sa_totale, sar_totale, su_totale, sc_totale,
// loyer_total and their PLUS_, PLAI_, PLS_ forms, lc_sh_totale,
// res_sh_totale, surface_habitable_totale, nombre_garage,
// surface_locaux_collectifs_residentiels, loyer_max_associations_foncieres,
// loyer_m2), nb_logements_par_type, nombre_annees_conventionnement,
// liste_des_annexes, the mixité figures (mixPLUS_10pc...), the images
// (<field>_images), adresse, code_postal, ville, outre_mer, and for
// avenants avenant_type_<nom>, bailleur_* / signataire_* / gestionnaire_*
// (previous version), new_* (the avenant), parent_bailleur and
// parent_convention; conventions_parentes for a seconde-vie convention.
// Objects answer the reference's methods: convention.is_avenant(),
// programme.edd_classique_text(), lot.get_financement_display(),
// p.preteur_display(), l.get_typologie_display()... Labels come from the
// programme catalogue. The fiche CAF adds residence_attributions and
// foyer_attributions and reads the first lot's logements only.
//
// # After validation
//
// RequestAfterValidation, in the validation's transaction, stores the
// validated data (SaveSnapshot: donnees_validees, data-model §20.9) and
// requests the document; MailAttachment is the file the validation e-mail
// carries: the PDF, or for a foyer or résidence the zip of the PDF and the
// "attached" files (ZipKey), none over MaxMailAttachment.
//
// # Templates
//
// The project's templates are embedded from templates/ and written by
// templates/wordgen (go generate ./internal/document/templates); a test
// keeps the files and their generator identical.
package document
