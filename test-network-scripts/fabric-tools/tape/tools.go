//go:build tools

package tools

import (
	_ "github.com/hyperledger-twgc/tape/cmd/tape"
)
