package main

import (
	"encoding/csv"
	"io"
	"os"
	"time"

	"taizhang/assets"
	"taizhang/store"
)

// importLedger is a stand-in until the importer is merged: it issues each
// row through store.Batch on a clock set to the row's date.
func importLedger(db *store.DB, path string, clock *movableClock) (imported, rejected int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	cat, err := assets.LoadCatalog()
	if err != nil {
		return 0, 0, err
	}
	ops, err := db.Operators()
	if err != nil {
		return 0, 0, err
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.Read()
	r.Read()
	types := map[string]int{}
	for _, k := range kinds {
		for _, s := range k.spellings {
			types[s] = k.no
		}
	}
	done := false
	for !done {
		err = db.Batch(func(b *store.Batch) error {
			for range 1000 {
				rec, err := r.Read()
				if err == io.EOF {
					done = true
					return nil
				}
				if err != nil {
					return err
				}
				d, _ := time.ParseInLocation(time.DateOnly, rec[2], store.Beijing)
				clock.t = d.Add(9 * time.Hour)
				_, err = b.IssueCertificate(ops[0], store.CertInput{TypeNo: types[rec[5]], Name: rec[3], IDNumber: rec[4], Purpose: rec[6], Address: rec[7], Verified: rec[9], Copies: 1}, cat,
					store.IssueOptions{AcceptClock: true, AcceptDuplicate: true, AcceptPersonName: true})
				if err != nil {
					rejected++
					continue
				}
				imported++
			}
			return nil
		})
		if err != nil {
			return
		}
	}
	return
}

type movableClock struct{ t time.Time }

func (c *movableClock) now() time.Time { return c.t }
