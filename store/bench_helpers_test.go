package store

import (
	"taizhang/assets"
	"taizhang/store/idcard"
)

func assetsCatalog() (*assets.Catalog, error) { return assets.LoadCatalog() }

func idCheck(first17 string) byte { return idcard.CheckDigit(first17) }
