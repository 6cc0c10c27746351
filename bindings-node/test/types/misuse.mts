// Must NOT compile: proves the generated types reject what the native code would reject.
import { Topology, plan } from 'rocketchat-topology'

Topology.fromString('', 'xml')
Topology.load('examples/howto.toml').render('iis')
const port: string = Topology.load('examples/howto.toml').layout().instances[0]!.port
void port

plan(null, Topology.load('x.toml'), { order: 'random' })
