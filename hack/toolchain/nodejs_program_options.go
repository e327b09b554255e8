// Pulumi.yaml's runtime options for the Node.js language host that hack/toolchain.sh builds.
//
// That host reads the project's runtime options from its command line, where older CLIs put them.
// Current CLIs start it with no flags and send the options in RunRequest.info.options (fields 14
// and 4, a google.protobuf.Struct), which this host's generated types predate, so they arrive
// among the unknown fields. Without this file the host would run every program through ts-node
// (its -typescript flag defaults to true), whatever `typescript` says. toolchain.sh has the host
// ask programUsesTypeScript instead of reading the flag.
package main

import (
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// programUsesTypeScript is the `typescript` runtime option the request carries, or flag (the
// host's -typescript) when it carries none: older CLIs, or a Pulumi.yaml without the option.
func programUsesTypeScript(req *pulumirpc.RunRequest, flag bool) bool {
	info, ok := bytesField(req.ProtoReflect().GetUnknown(), 14)
	if !ok {
		return flag
	}
	raw, ok := bytesField(info, 4)
	if !ok {
		return flag
	}
	var options structpb.Struct
	if err := proto.Unmarshal(raw, &options); err != nil {
		return flag
	}
	if value, ok := options.GetFields()["typescript"].GetKind().(*structpb.Value_BoolValue); ok {
		return value.BoolValue
	}
	return flag
}
