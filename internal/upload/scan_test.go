package upload

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/clamav"
	"github.com/MTES-MCT/apilos-go/internal/clamav/clamavtest"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

func (e *env) scanRow(key string) (statut, signature, detail string) {
	e.t.Helper()
	err := e.pool.QueryRow(context.Background(), `SELECT statut, signature, detail FROM upload_scan WHERE storage_key = $1`, key).
		Scan(&statut, &signature, &detail)
	if err != nil {
		e.t.Fatalf("analyse de %s : %v", key, err)
	}
	return
}

func TestProcessScan(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := clamavtest.Start(t)
	cl, err := clamav.New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c75 := e.ref("C75")
	saved, keys, err := e.save(e.st, e.sub("bailleur"), Target{OwnerConvention, uuid.MustParse(c75.UUID)},
		in("sain.pdf", pdfBody), in("facture.pdf", append(append([]byte{}, pdfBody...), clamavtest.EICAR()...)))
	if err != nil {
		t.Fatal(err)
	}
	clean, infected := keys[0], keys[1]

	res, err := ProcessScan(ctx, e.pool, e.st, cl, clean)
	if err != nil || res.Statut != ScanClean || len(res.Events) != 0 {
		t.Fatalf("fichier sain : %+v, %v", res, err)
	}
	if st, _, _ := e.scanRow(clean); st != "sain" {
		t.Errorf("statut %q", st)
	}

	res, err = ProcessScan(ctx, e.pool, e.st, cl, infected)
	if err != nil || res.Statut != ScanInfected || res.Signature != clamavtest.Signature {
		t.Fatalf("fichier infecté : %+v, %v", res, err)
	}
	if len(res.Events) != 1 || res.Events[0].Kind != notify.VirusDetected || res.Events[0].ScanID != res.ID ||
		res.Events[0].ConventionUUID.String() != c75.UUID {
		t.Errorf("événements %+v", res.Events)
	}
	// Moved to quarantine, not served any more.
	if ok, _ := e.st.Exists(ctx, infected); ok {
		t.Error("le fichier infecté est encore à sa place")
	}
	if ok, _ := e.st.Exists(ctx, QuarantineKey(infected)); !ok {
		t.Error("le fichier infecté n'est pas en quarantaine")
	}
	if _, _, err := e.read(c75, saved[1].UUID); !errors.Is(err, ErrQuarantined) {
		t.Errorf("téléchargement du fichier infecté : %v", err)
	}
	if q, _ := Quarantined(ctx, e.pool, infected); !q {
		t.Error("Quarantined = false")
	}

	// A retry (the e-mail failed) scans nothing again and returns the
	// same notification, so it is sent once.
	scans := srv.Scans()
	again, err := ProcessScan(ctx, e.pool, e.st, cl, infected)
	if err != nil || again.Statut != ScanInfected || len(again.Events) != 1 || again.Events[0].ID != res.Events[0].ID {
		t.Errorf("nouvelle tentative : %+v, %v", again, err)
	}
	if _, err := ProcessScan(ctx, e.pool, e.st, cl, clean); err != nil || srv.Scans() != scans {
		t.Errorf("fichiers déjà jugés analysés à nouveau (%d analyses de plus)", srv.Scans()-scans)
	}

	// Stored again under the same key: scanned again, new notification id.
	if err := e.st.Put(ctx, infected, bytes.NewReader(clamavtest.EICAR()), -1, ""); err != nil {
		t.Fatal(err)
	}
	if err := RequestScan(ctx, e.pool, ScanRequest{Key: infected, UploadedFileID: saved[1].ID, ConventionID: c75.ID, Filename: "facture.pdf"}); err != nil {
		t.Fatal(err)
	}
	third, err := ProcessScan(ctx, e.pool, e.st, cl, infected)
	if err != nil || third.Statut != ScanInfected || third.Events[0].ID == res.Events[0].ID {
		t.Errorf("nouveau dépôt : %+v, %v", third, err)
	}

	// Unknown key: nothing to do.
	if res, err := ProcessScan(ctx, e.pool, e.st, cl, "conventions/x/inconnu.pdf"); res != nil || err != nil {
		t.Errorf("clé inconnue : %+v, %v", res, err)
	}
}

// What cannot be scanned is said, and only what may work later is retried.
func TestProcessScanNotScanned(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := clamavtest.Start(t)
	cl, _ := clamav.New(srv.Addr())
	c75 := uuid.MustParse(e.world.Convention("C75").UUID)
	_, keys, err := e.save(e.st, e.sub("bailleur"), Target{OwnerConvention, c75},
		in("a.pdf", pdfBody), in("b.pdf", pdfBody), in("c.pdf", pdfBody), in("d.pdf", append(bytes.Repeat([]byte("%PDF-1.4 "), 1000), '\n')))
	if err != nil {
		t.Fatal(err)
	}

	// clamd down: an error (retried), the file stays pending and served.
	srv.SetDown(true)
	if _, err := ProcessScan(ctx, e.pool, e.st, cl, keys[0]); err == nil {
		t.Error("clamd muet : pas d'erreur")
	}
	if st, _, _ := e.scanRow(keys[0]); st != "en_attente" {
		t.Errorf("après une panne de clamd : %q", st)
	}
	srv.SetDown(false)
	if res, err := ProcessScan(ctx, e.pool, e.st, cl, keys[0]); err != nil || res.Statut != ScanClean {
		t.Errorf("reprise : %+v, %v", res, err)
	}

	// No antivirus configured.
	if res, err := ProcessScan(ctx, e.pool, e.st, nil, keys[1]); err != nil || res.Statut != ScanSkipped {
		t.Errorf("sans antivirus : %+v, %v", res, err)
	}
	if _, _, d := e.scanRow(keys[1]); d == "" {
		t.Error("raison absente")
	}
	// The object is gone (deposit cancelled before the scan).
	e.st.Delete(ctx, keys[2])
	if res, err := ProcessScan(ctx, e.pool, e.st, cl, keys[2]); err != nil || res.Statut != ScanSkipped {
		t.Errorf("objet absent : %+v, %v", res, err)
	}
	// Over clamd's StreamMaxLength.
	srv.MaxStream = 100
	if res, err := ProcessScan(ctx, e.pool, e.st, cl, keys[3]); err != nil || res.Statut != ScanSkipped {
		t.Errorf("trop gros pour clamd : %+v, %v", res, err)
	}
	if _, _, d := e.scanRow(keys[3]); !strings.Contains(d, clamav.ErrSizeLimit.Error()) {
		t.Errorf("raison %q", d)
	}
}
