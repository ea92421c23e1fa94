# The hitl integration's side in Request Tracker 5: a ticket custom field that marks handoff tickets, and a scrip that
# posts the hitl contract's events (message.created, agent.assigned, conversation.closed) to the integration's webhook
# URL, signed with Standard Webhooks. Load once with:
#   rt-setup-database --action insert --datafile hitl-scrip.pl --skip-create
# Settings (RT_SiteConfig.d): $HitlWebhookUrl, $HitlWebhookSecret, $HitlApiUser. See docs/helpdesks/request-tracker.md.

our @CustomFields = (
    {
        Name        => 'Botpress conversation',
        Type        => 'FreeformSingle',
        LookupType  => 'RT::Queue-RT::Ticket',
        Description => 'Set by the Botpress hitl integration on the tickets it opens; the scrip posts events only for them',
    },
);

# The integration's user and the agents are privileged: they see the marker, and the integration sets it.
our @ACL = (
    map {
        { CF => 'Botpress conversation', LookupType => 'RT::Queue-RT::Ticket', GroupDomain => 'SystemInternal',
          GroupType => 'Privileged', Right => $_ }
    } qw(SeeCustomField ModifyCustomField)
);

my $commit = <<'CODE';
use strict;
use warnings;
use JSON ();
use LWP::UserAgent;
use Digest::SHA ();
use MIME::Base64 ();

my $txn = $self->TransactionObj;
my $url = RT->Config->Get('HitlWebhookUrl');
my $secret = RT->Config->Get('HitlWebhookSecret');
my $api_user = RT->Config->Get('HitlApiUser') // '';
# Without the integration's user name the end user's own messages would come back as agent replies: post nothing.
unless ($url && $secret && $secret =~ /^whsec_(.+)$/ && length $api_user) {
    RT->Logger->error('hitl scrip: set $HitlWebhookUrl, $HitlWebhookSecret (whsec_...) and $HitlApiUser in RT_SiteConfig.d');
    return 1;
}
my $key = MIME::Base64::decode_base64($1);

# The conversation's reference (hitl contract, version 3), the same the integration makes: the Botpress conversation
# id, a dot, and the first 22 characters of the base64url HMAC-SHA256 of "hitl-reference\n<id>" keyed by the secret
# string as configured (whsec_ included). Echoed in every event, it spares the integration a lookup per event.
my $reference_of = sub {
    my ($secret, $conversation) = @_;
    my $message = "hitl-reference\n$conversation";
    utf8::encode($message);
    return "$conversation." . substr(MIME::Base64::encode_base64url(Digest::SHA::hmac_sha256($message, $secret)), 0, 22);
};

# Read as the system user: the actor (an agent) may not see the marker field or other users.
my $ticket = RT::Ticket->new(RT->SystemUser);
$ticket->Load($self->TicketObj->id);
my $conversation = $ticket->FirstCustomFieldValue('Botpress conversation');
return 1 unless defined $conversation && length $conversation;

my $actor = RT::User->new(RT->SystemUser);
$actor->Load($txn->Creator);
# The integration's own calls (end-user messages, stopHitl) never come back to it.
return 1 if lc($actor->Name) eq lc($api_user);

my $agent_of = sub {
    my $user = shift;
    my %agent = (id => '' . $user->id, name => ($user->RealName || $user->Name));
    $agent{email} = $user->EmailAddress if $user->EmailAddress;
    return \%agent;
};

my $type = $txn->Type;
my $field = $txn->Field // '';
my %event;
if ($type eq 'Correspond') {
    # Only agents: never the end user's own messages (requestors, unprivileged users).
    return 1 unless $actor->Privileged;
    return 1 if $ticket->Requestors->HasMemberRecursively($actor->PrincipalId);
    my $text = $txn->Content(Type => 'text/plain') // '';
    $text =~ s/\s+\z//;
    my @files;
    my $attachments = $txn->Attachments;
    while (my $attachment = $attachments->Next) {
        push @files, $attachment->Filename if defined $attachment->Filename && length $attachment->Filename;
    }
    # RT's attachments need an RT login, so the end user is told their names only.
    $text .= ($text eq '' ? '' : "\n") . "[attachment in the ticket: $_]" for @files;
    return 1 if $text eq '';
    %event = (type => 'message.created', agent => $agent_of->($actor),
              message => { id => '' . $txn->id, type => 'text', payload => { text => $text } });
} elsif ($field eq 'Owner' && $type ne 'SetWatcher') {
    # RT records an owner change twice (Set/Take/Steal/Give with Field Owner, and SetWatcher): one event per change.
    my $owner = RT::User->new(RT->SystemUser);
    $owner->Load($txn->NewValue);
    return 1 unless $owner->id && $owner->id != RT->Nobody->id;
    %event = (type => 'agent.assigned', agent => $agent_of->($owner));
} elsif (($type eq 'Status' || ($type eq 'Set' && $field eq 'Status'))
         && ($txn->NewValue // '') =~ /^(?:resolved|rejected|deleted)$/) {
    %event = (type => 'conversation.closed', reason => 'Ticket ' . $txn->NewValue . ' in Request Tracker by ' . $actor->Name);
} else {
    return 1;
}

my $webhook_id = 'rt-' . RT->Config->Get('rtname') . '-txn-' . $txn->id;
$webhook_id =~ s/[^A-Za-z0-9._-]/-/g;
# occurredAt (RT keeps seconds) lets the integration ignore a late redelivery that a later change superseded.
my $occurred_at = $txn->CreatedObj->W3CDTF(Time => 1, Seconds => 1, Timezone => 'UTC');
# The contract allows a reference of at most 200 characters; a longer one (an unusual conversation id) is left out.
my $reference = $reference_of->($secret, $conversation);
my $body = JSON->new->utf8->canonical->encode({ id => $webhook_id, conversationId => '' . $ticket->id,
    (length $reference <= 200 ? (reference => $reference) : ()), occurredAt => $occurred_at, %event });

my $ua = LWP::UserAgent->new(timeout => 5, agent => 'rt-hitl-scrip');
# 'sent', 'refused' (4xx: retrying cannot help) or 'failed' (network error, 5xx: worth retrying).
my $deliver = sub {
    my ($item) = @_;
    my $result = 'failed';
    for my $attempt (1 .. 3) {
        my $timestamp = time;
        my $signature = MIME::Base64::encode_base64(
            Digest::SHA::hmac_sha256("$item->{id}.$timestamp.$item->{body}", $key), '');
        my $response = $ua->post($url, 'content-type' => 'application/json', 'webhook-id' => $item->{id},
            'webhook-timestamp' => $timestamp, 'webhook-signature' => "v1,$signature", Content => $item->{body});
        return 'sent' if $response->is_success;
        my $code = $response->code;
        # 404 too is tried again here: the integration tags its conversation just after RT answered the ticket's
        # creation, so an agent quicker than that meets a 404 for a moment. Other 4xx are final.
        if ($code >= 400 && $code < 500 && $code != 408 && $code != 429 && ($code != 404 || $attempt == 3)) {
            RT->Logger->warning("hitl scrip: $item->{id} refused: " . $response->status_line . ' ' . substr($response->decoded_content // '', 0, 300));
            return 'refused';
        }
        RT->Logger->warning("hitl scrip: $item->{id} attempt $attempt failed: " . $response->status_line);
        select(undef, undef, undef, 0.5 * $attempt) if $attempt < 3;
    }
    return $result;
};

# Deliveries that failed every attempt wait on the ticket and go out, in order, before its next event.
my $outbox = $ticket->FirstAttribute('HitlOutbox');
my @pending = ($outbox ? @{ $outbox->Content || [] } : (), { id => $webhook_id, body => $body });
my @left;
for my $item (@pending) {
    if (@left) { push @left, $item; next }
    push @left, $item if $deliver->($item) eq 'failed';
}
if (@left) {
    $ticket->SetAttribute(Name => 'HitlOutbox', Content => \@left);
    RT->Logger->error('hitl scrip: ' . scalar(@left) . " event(s) of ticket " . $ticket->id
        . ' kept for redelivery with the ticket\'s next update');
} elsif ($outbox) {
    $ticket->DeleteAttribute('HitlOutbox');
}
return 1;
CODE

our @Scrips = (
    {
        Description            => 'hitl: post agent replies, assignments and closing to Botpress',
        ScripCondition         => 'User Defined',
        ScripAction            => 'User Defined',
        Template               => 'Blank',
        Stage                  => 'TransactionCreate',
        CustomIsApplicableCode => q{
            my $txn = $self->TransactionObj;
            my $type = $txn->Type;
            my $field = $txn->Field // '';
            return $type eq 'Correspond' || $type eq 'Status' || $field eq 'Owner' || $field eq 'Status';
        },
        CustomPrepareCode      => 'return 1;',
        CustomCommitCode       => $commit,
    },
);

1;
