// Command etcd is etcd's own server main, built from the same module graph as
// Kubernetes so the test cluster uses the etcd version Kubernetes is tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
