namespace DKV.Consensus.Peers;

/// <summary>The kinds of request between nodes. Values are on the wire: never renumber.</summary>
public enum PeerRequestKind : byte
{
    /// <summary>Propose this command on your group (you are its leader) and reply once it is applied.</summary>
    Propose = 1,
}
