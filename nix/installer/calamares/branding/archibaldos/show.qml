/* ArchibaldOS installation slideshow: what is being set up while nixos-install runs. */
import QtQuick 2.0;
import calamares.slideshow 1.0;

Presentation
{
    id: presentation

    Timer {
        interval: 15000
        running: presentation.activatedInCalamares
        repeat: true
        onTriggered: presentation.goToNextSlide()
    }

    Slide {
        Image {
            id: logo
            source: "logo.png"
            width: 160; height: 160
            fillMode: Image.PreserveAspectFit
            anchors.centerIn: parent
            anchors.verticalCenterOffset: -60
        }
        Text {
            anchors.top: logo.bottom
            anchors.topMargin: 24
            anchors.horizontalCenter: parent.horizontalCenter
            width: presentation.width * 0.8
            horizontalAlignment: Text.Center
            wrapMode: Text.WordWrap
            font.pixelSize: 20
            text: "Installing ArchibaldOS: NixOS tuned for real-time audio."
        }
    }

    Slide {
        centeredText: "Your system is a flake in /etc/nixos that follows the ArchibaldOS revision of this ISO.\nChange it with `archibald profile set`, then `archibald apply`."
    }

    Slide {
        centeredText: "The audio profile sets the sample rate, the quantum, real-time priorities and the kernel.\nCheck a running system with `archibald doctor`."
    }

    function onActivate() { }
    function onLeave() { }
}
