using System.Buffers.Binary;
using System.Security.Cryptography;
using DKV.Consensus.Peers;
using DKV.Consensus.Storage;
using DKV.Core.Consensus;
using Microsoft.Extensions.Logging;

namespace DKV.Consensus.Host;

/// <summary>
/// The <c>raft</c> consensus implementation: opens the node's write-ahead log (<c>&lt;data-dir&gt;/wal</c>) and snapshot store
/// (<c>&lt;data-dir&gt;/snapshots</c>), builds the peer network, and starts the node host.
/// </summary>
public sealed class RaftConsensusFactory : IConsensusFactory
{
    /// <summary>The name the factory is registered under.</summary>
    public const string FactoryName = "raft";

    // One iteration's entries for one group must fit one record: the loop drains at most 8 MiB of entries, plus one message.
    private const int WalRecordBytes = 32 * 1024 * 1024;

    private readonly Func<TcpPeerNetworkOptions, IPeerNetwork> _createNetwork;
    private readonly IWalFileSystem _fileSystem;

    /// <summary>The production factory: real files, the TCP peer network.</summary>
    public RaftConsensusFactory()
        : this(static options => new TcpPeerNetwork(options), PhysicalWalFileSystem.Instance)
    {
    }

    internal RaftConsensusFactory(Func<TcpPeerNetworkOptions, IPeerNetwork> createNetwork, IWalFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(createNetwork);
        ArgumentNullException.ThrowIfNull(fileSystem);
        _createNetwork = createNetwork;
        _fileSystem = fileSystem;
    }

    /// <inheritdoc/>
    public string Name => FactoryName;

    /// <inheritdoc/>
    public async ValueTask<IConsensusNode> StartAsync(ConsensusNodeOptions options, CancellationToken cancellationToken = default)
    {
        ConsensusOptionsValidator.Validate(options);
        NodeHostSettings settings = NodeHostSettings.Parse(options.Settings);
        ClusterMember self = options.Members.First(m => m.Name == options.ReplicaName);
        _fileSystem.CreateDirectory(options.DataDirectory);
        var wal = WriteAheadLog.Open(_fileSystem, new WalOptions
        {
            Directory = Path.Combine(options.DataDirectory, "wal"),
            MaxRecordBytes = WalRecordBytes,
            MaxBufferedBytes = 8L * WalRecordBytes,
        });
        ILogger logger = options.LoggerFactory.CreateLogger("DKV.Consensus.Raft");
        if (wal.RecoveryReport is { } report)
        {
            Log.TornTail(logger, report.ToString());
        }

        NodeHost? host = null;
        IPeerNetwork? network = null;
        try
        {
            var snapshots = new SnapshotStore(_fileSystem, Path.Combine(options.DataDirectory, "snapshots"));
            string listen = settings.ListenAddress ?? self.Address;
            network = _createNetwork(new TcpPeerNetworkOptions
            {
                LocalId = self.Id,
                ListenAddress = listen,
                PeerAddresses = options.Members.Where(m => m.Id != self.Id).ToDictionary(m => m.Id, m => m.Address),
                Time = options.Time,
                LoggerFactory = options.LoggerFactory,
            });
            Span<byte> random = stackalloc byte[16];
            RandomNumberGenerator.Fill(random);
            host = new NodeHost(options, settings, wal, snapshots, network, BinaryPrimitives.ReadUInt64LittleEndian(random),
                BinaryPrimitives.ReadUInt64LittleEndian(random[8..]));
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            Log.NodeStarted(logger, options.ReplicaName, options.GroupIds.Count, options.DataDirectory, listen);
            return host;
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                if (network is not null)
                {
                    await network.DisposeAsync().ConfigureAwait(false);
                }

                wal.Dispose();
            }

            throw;
        }
    }
}
